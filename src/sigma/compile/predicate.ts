import { selectIdentifiers } from '../model/condition.js';
import type { Condition, Detection, FieldMatch, Search, ValueTest } from '../model/types.js';
import type { EventContext } from './context.js';
import type { FieldResolver } from './field-resolver.js';
import { compileValueTest, type ValueMatcher } from './value-test.js';

export type Predicate = (ctx: EventContext) => boolean;

/** Rough cost used to order AND/OR operands so cheap tests short-circuit before regexes run. */
function testCost(t: ValueTest): number {
  switch (t.kind) {
    case 'exists':
    case 'null':
      return 0;
    case 'compare':
    case 'cidr':
    case 'timepart':
      return 2;
    case 'pattern':
      return t.parts.length <= 1 ? 1 : 3;
    case 'regex':
      return 50;
    default:
      return 5;
  }
}

export function fieldMatchCost(fm: FieldMatch): number {
  return fm.values.reduce((sum, v) => sum + testCost(v), fm.field === undefined ? 20 : 0);
}

export function compileFieldMatch(fm: FieldMatch, resolver: FieldResolver): Predicate {
  const exact = exactSet(fm);
  const matchers: ValueMatcher[] = exact ? [] : fm.values.map((v) => compileValueTest(v, { resolver, location: fm.location }));
  const test = exact
    ? (fv: { lowers: string[] }) => {
        for (const s of fv.lowers) if (exact.has(s)) return true;
        return false;
      }
    : null;
  let get: (ctx: EventContext) => ReturnType<EventContext['field']>;
  if (fm.field === undefined) get = (ctx) => ctx.keywords();
  else {
    const { key, get: accessor } = resolver.resolve(fm.field);
    get = (ctx) => ctx.field(key, accessor);
  }
  let pred: Predicate;
  if (test) pred = (ctx) => test(get(ctx));
  else if (matchers.length === 1) {
    const m = matchers[0]!;
    pred = (ctx) => m(get(ctx), ctx);
  } else if (fm.all) {
    pred = (ctx) => {
      const fv = get(ctx);
      for (const m of matchers) if (!m(fv, ctx)) return false;
      return true;
    };
  } else {
    pred = (ctx) => {
      const fv = get(ctx);
      for (const m of matchers) if (m(fv, ctx)) return true;
      return false;
    };
  }
  if (fm.negate) {
    const inner = pred;
    return (ctx) => !inner(ctx);
  }
  return pred;
}

/** OR-linked, case-insensitive, wildcard-free values compile to one hash lookup. */
function exactSet(fm: FieldMatch): Set<string> | undefined {
  if (fm.all || fm.values.length < 2) return undefined;
  const out = new Set<string>();
  for (const v of fm.values) {
    if (v.kind !== 'pattern' || v.cased || v.parts.length !== 1 || typeof v.parts[0] !== 'string') return undefined;
    out.add(v.parts[0].toLowerCase());
  }
  return out;
}

export function compileSearch(search: Search, resolver: FieldResolver): Predicate {
  switch (search.kind) {
    case 'match':
      return compileFieldMatch(search.item, resolver);
    case 'and': {
      const items = [...search.items].sort((a, b) => fieldMatchCost(a) - fieldMatchCost(b)).map((fm) => compileFieldMatch(fm, resolver));
      return allOf(items);
    }
    case 'or':
      return anyOf(search.items.map((s) => compileSearch(s, resolver)));
  }
}

function allOf(items: Predicate[]): Predicate {
  if (items.length === 1) return items[0]!;
  if (items.length === 2) {
    const [a, b] = items as [Predicate, Predicate];
    return (ctx) => a(ctx) && b(ctx);
  }
  return (ctx) => {
    for (const p of items) if (!p(ctx)) return false;
    return true;
  };
}

function anyOf(items: Predicate[]): Predicate {
  if (items.length === 1) return items[0]!;
  return (ctx) => {
    for (const p of items) if (p(ctx)) return true;
    return false;
  };
}

/** Compiles a detection (search identifiers + condition) into one predicate for an event shape. */
export function compileDetection(detection: Detection, resolver: FieldResolver): Predicate {
  const compiled = new Map<string, Predicate>();
  const get = (name: string): Predicate => {
    let p = compiled.get(name);
    if (!p) {
      p = compileSearch(detection.searches.get(name)!, resolver);
      compiled.set(name, p);
    }
    return p;
  };
  const names = [...detection.searches.keys()];
  const build = (c: Condition): Predicate => {
    switch (c.kind) {
      case 'ref':
        return get(c.name);
      case 'not': {
        const inner = build(c.item);
        return (ctx) => !inner(ctx);
      }
      case 'and':
        return allOf(c.items.map(build));
      case 'or':
        return anyOf(c.items.map(build));
      case 'of': {
        const preds = selectIdentifiers(c.pattern, names).map(get);
        return c.quantifier === 'all' ? allOf(preds) : anyOf(preds);
      }
    }
  };
  return build(detection.condition);
}

/** Search identifiers that count towards a match (not under a negation): their fields explain an alert. */
export function positiveSearches(detection: Detection): string[] {
  const names = [...detection.searches.keys()];
  const out = new Set<string>();
  const walk = (c: Condition, negated: boolean) => {
    switch (c.kind) {
      case 'ref':
        if (!negated) out.add(c.name);
        return;
      case 'not':
        walk(c.item, !negated);
        return;
      case 'and':
      case 'or':
        for (const i of c.items) walk(i, negated);
        return;
      case 'of':
        if (!negated) for (const n of selectIdentifiers(c.pattern, names)) out.add(n);
    }
  };
  walk(detection.condition, false);
  return [...out];
}
