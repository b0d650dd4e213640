/**
 * A hunt-language filter evaluated in memory against one event, for suppressions: the same parser as
 * search (so the same syntax and errors), field matches case-insensitive with `*`/`?` wildcards,
 * ranges, exists, free text over `message`, and/or/not. Pipes are refused: a suppression matches
 * events, it does not aggregate them.
 */
import { VigilError } from '../core/errors.js';
import type { Expr, PatternPart, RangeBound, RangeTerm } from '../query/ast.js';
import { parseQuery } from '../query/parser.js';
import { fieldValues, type TunableEvent } from './event-fields.js';

export type EventPredicate = (event: TunableEvent) => boolean;

/** Parses and compiles `text`; throws VigilError (query.* with the column) on bad syntax, `tuning.query.pipes` on pipes. */
export function compileHuntFilter(text: string): EventPredicate {
  const ast = parseQuery(text);
  if (ast.stages.length > 0) {
    throw new VigilError('tuning.query.pipes', `a suppression query is a filter only; '| ${ast.stages[0]!.type}' is not allowed`, { column: ast.stages[0]!.span.start + 1, field: 'query' });
  }
  if (!ast.filter) throw new VigilError('tuning.query.empty', 'a suppression query must name at least one condition', { field: 'query' });
  return compile(ast.filter);
}

function compile(e: Expr): EventPredicate {
  switch (e.type) {
    case 'and': {
      const cs = e.children.map(compile);
      return (ev) => cs.every((c) => c(ev));
    }
    case 'or': {
      const cs = e.children.map(compile);
      return (ev) => cs.some((c) => c(ev));
    }
    case 'not': {
      const c = compile(e.child);
      return (ev) => !c(ev);
    }
    case 'exists':
      return (ev) => fieldValues(ev, e.field).length > 0;
    case 'match': {
      const test = e.value.pattern ? globMatcher(e.value.pattern) : exactMatcher(e.value.text);
      return (ev) => fieldValues(ev, e.field).some(test);
    }
    case 'text': {
      const needle = e.text.toLowerCase();
      return (ev) => fieldValues(ev, 'message').some((m) => {
        const hay = m.toLowerCase();
        return e.prefix ? hay.split(/\W+/).some((w) => w.startsWith(needle)) : hay.includes(needle);
      });
    }
    case 'range': {
      const test = rangeMatcher(e);
      return (ev) => fieldValues(ev, e.field).some(test);
    }
  }
}

function exactMatcher(text: string): (v: string) => boolean {
  const want = text.toLowerCase();
  return (v) => v.toLowerCase() === want;
}

/** Splits on `*` and finds each piece left to right (leftmost is always right for `*`-separated pieces): no backtracking. */
function globMatcher(parts: PatternPart[]): (v: string) => boolean {
  const pieces: (string | null)[][] = [[]];
  for (const p of parts) {
    if (p.kind === 'any') pieces.push([]);
    else pieces[pieces.length - 1]!.push(...(p.kind === 'one' ? [null] : [...p.text.toLowerCase()]));
  }
  const first = pieces[0]!;
  const last = pieces[pieces.length - 1]!;
  return (raw) => {
    const v = raw.toLowerCase();
    if (pieces.length === 1) return v.length === first.length && at(v, 0, first);
    if (v.length < first.length + last.length || !at(v, 0, first) || !at(v, v.length - last.length, last)) return false;
    let pos = first.length;
    const end = v.length - last.length;
    for (let i = 1; i < pieces.length - 1; i++) {
      const piece = pieces[i]!;
      let found = -1;
      for (let s = pos; s + piece.length <= end; s++) if (at(v, s, piece)) { found = s; break; }
      if (found < 0) return false;
      pos = found + piece.length;
    }
    return true;
  };
}

function at(v: string, start: number, piece: (string | null)[]): boolean {
  for (let i = 0; i < piece.length; i++) {
    const c = piece[i];
    if (c !== null && v[start + i] !== c) return false;
  }
  return start + piece.length <= v.length;
}

function rangeMatcher(e: RangeTerm): (v: string) => boolean {
  const time = e.field === '@timestamp';
  const key = (text: string): number | string => {
    if (time) {
      const t = Date.parse(text);
      if (Number.isFinite(t)) return t;
    }
    const n = Number(text);
    return text.trim() !== '' && Number.isFinite(n) ? n : text.toLowerCase();
  };
  const cmp = (a: number | string, b: number | string): number | undefined =>
    typeof a !== typeof b ? undefined : a < b ? -1 : a > b ? 1 : 0;
  const within = (v: number | string, bound: RangeBound | null, side: 1 | -1): boolean => {
    if (!bound) return true;
    const c = cmp(v, key(bound.text));
    if (c === undefined) return false;
    return bound.inclusive ? c * side >= 0 : c * side > 0;
  };
  return (raw) => {
    const v = key(raw);
    return within(v, e.lower, 1) && within(v, e.upper, -1);
  };
}
