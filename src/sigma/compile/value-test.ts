import { VigilError, type Location } from '../../core/errors.js';
import { ipInCidr, parseCidr } from '../model/cidr.js';
import { lowerParts } from '../model/string-pattern.js';
import type { TimePart, ValueTest } from '../model/types.js';
import type { EventContext, FieldValues } from './context.js';
import type { FieldResolver } from './field-resolver.js';
import { compileGlob } from './glob.js';
import { compileRegex } from './regex.js';

/** A compiled value test: true when any of the field's values satisfies it. */
export type ValueMatcher = (fv: FieldValues, ctx: EventContext) => boolean;

export interface CompileValueOptions {
  resolver: FieldResolver;
  location: Location;
}

export function compileValueTest(test: ValueTest, opts: CompileValueOptions): ValueMatcher {
  switch (test.kind) {
    case 'pattern': {
      if (test.cased) {
        const fn = compileGlob(test.parts);
        return (fv) => anyOf(fv.strs, fn);
      }
      const fn = compileGlob(lowerParts(test.parts));
      return (fv) => anyOf(fv.lowers, fn);
    }
    case 'regex': {
      const re = compileRegex(test.source, test.flags, opts.location);
      return (fv) => {
        for (let i = 0; i < fv.strs.length; i++) if (re.test(fv.strs[i]!, fv.lowers[i]!)) return true;
        return false;
      };
    }
    case 'compare': {
      const { op, value } = test;
      const cmp = op === 'gt' ? (n: number) => n > value : op === 'gte' ? (n: number) => n >= value : op === 'lt' ? (n: number) => n < value : (n: number) => n <= value;
      return (fv) => fv.raw.some((x) => {
        const n = typeof x === 'number' ? x : typeof x === 'string' && x.trim() !== '' ? Number(x) : NaN;
        return Number.isFinite(n) && cmp(n);
      });
    }
    case 'cidr': {
      const network = parseCidr(test.network);
      if (!network) throw new VigilError('sigma.value.invalid', `'${test.network}' is not a CIDR network`, opts.location);
      return (fv) => anyOf(fv.strs, (s) => ipInCidr(s, network));
    }
    case 'exists':
      return test.value ? (fv) => fv.present : (fv) => !fv.present;
    case 'null':
      return (fv) => !fv.present || fv.raw.length === 0 || fv.raw.every((x) => x === null);
    case 'fieldref': {
      const other = opts.resolver.resolve(test.field);
      const { cased } = test;
      const relation = test.contains
        ? (a: string, b: string) => a.includes(b)
        : test.startswith
          ? (a: string, b: string) => a.startsWith(b)
          : test.endswith
            ? (a: string, b: string) => a.endsWith(b)
            : (a: string, b: string) => a === b;
      return (fv, ctx) => {
        const ref = ctx.field(other.key, other.get);
        const mine = cased ? fv.strs : fv.lowers;
        const theirs = cased ? ref.strs : ref.lowers;
        return mine.some((a) => theirs.some((b) => relation(a, b)));
      };
    }
    case 'timepart': {
      const inner = compileValueTest(test.test, opts);
      const part = test.part;
      return (fv, ctx) => {
        const parts: number[] = [];
        for (const x of fv.raw) {
          const n = timePart(x, part);
          if (n !== undefined) parts.push(n);
        }
        if (parts.length === 0) return false;
        const strs = parts.map(String);
        return inner({ present: true, raw: parts, strs, lowers: strs }, ctx);
      };
    }
    case 'placeholder':
      // An unset placeholder cannot match; the loader reports the rule so nobody is surprised.
      return () => false;
  }
}

function anyOf(values: string[], fn: (s: string) => boolean): boolean {
  for (let i = 0; i < values.length; i++) if (fn(values[i]!)) return true;
  return false;
}

/** Extracts a UTC date part from an ISO/RFC date string or an epoch number (ms, or s when small). */
export function timePart(x: unknown, part: TimePart): number | undefined {
  let ms: number;
  if (typeof x === 'number') ms = x < 1e11 ? x * 1000 : x;
  else if (typeof x === 'string' && x.length <= 64) {
    // Windows and Sysmon write "2025-10-22 20:33:27.274" meaning UTC; make it parse as UTC, not local.
    const normalized = /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}/.test(x) && !/[zZ]|[+-]\d{2}:?\d{2}$/.test(x) ? x.replace(' ', 'T') + 'Z' : x;
    ms = Date.parse(normalized);
  } else return undefined;
  if (!Number.isFinite(ms)) return undefined;
  const d = new Date(ms);
  switch (part) {
    case 'minute':
      return d.getUTCMinutes();
    case 'hour':
      return d.getUTCHours();
    case 'day':
      return d.getUTCDate();
    case 'month':
      return d.getUTCMonth() + 1;
    case 'year':
      return d.getUTCFullYear();
    case 'week': {
      const t = new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate()));
      const day = t.getUTCDay() || 7;
      t.setUTCDate(t.getUTCDate() + 4 - day);
      const yearStart = Date.UTC(t.getUTCFullYear(), 0, 1);
      return Math.ceil(((t.getTime() - yearStart) / 86_400_000 + 1) / 7);
    }
  }
}
