import { cidrLiteralPrefix, parseCidr } from '../model/cidr.js';
import { selectIdentifiers } from '../model/condition.js';
import { longestLiteral } from '../model/string-pattern.js';
import type { Condition, Detection, FieldMatch, Search, ValueTest } from '../model/types.js';
import type { FieldResolver } from './field-resolver.js';
import { requiredRegexLiteral } from './regex.js';
import type { Accessor } from './context.js';

/** A literal (lower-cased) that must occur in a field (or anywhere, for keywords) for a rule to match. */
export interface Anchor {
  key: string;
  get: Accessor;
  keyword: boolean;
  literal: string;
}

/** `null`: nothing can be required (the rule is always a candidate); `[]`: the rule can never match. */
export type Requirement = Anchor[] | null;

export const KEYWORD_KEY = '\u0000keywords';

function valueLiteral(v: ValueTest): string {
  switch (v.kind) {
    case 'pattern':
      return longestLiteral(v.parts).toLowerCase();
    case 'regex':
      return requiredRegexLiteral(v.source).toLowerCase();
    case 'cidr': {
      const net = parseCidr(v.network);
      return net ? cidrLiteralPrefix(net) : '';
    }
    default:
      return '';
  }
}

/** Higher is more selective: long literals and few alternatives make fewer events candidates. */
function quality(req: Requirement): number {
  if (req === null) return -Infinity;
  if (req.length === 0) return Infinity;
  let min = Infinity;
  for (const a of req) min = Math.min(min, a.literal.length - (a.keyword ? 2 : 0));
  return min - Math.log2(req.length) * 0.25;
}

function best(reqs: Requirement[]): Requirement {
  let chosen: Requirement = null;
  let q = -Infinity;
  for (const r of reqs) {
    const rq = quality(r);
    if (rq > q) {
      q = rq;
      chosen = r;
    }
  }
  return chosen;
}

function union(reqs: Requirement[]): Requirement {
  const out: Anchor[] = [];
  for (const r of reqs) {
    if (r === null) return null;
    out.push(...r);
  }
  return out;
}

function fieldMatchRequirement(fm: FieldMatch, resolver: FieldResolver): Requirement {
  if (fm.negate) return null;
  const { key, get } = fm.field === undefined ? { key: KEYWORD_KEY, get: () => undefined } : resolver.resolve(fm.field);
  const keyword = fm.field === undefined;
  const anchors: Requirement[] = fm.values.map((v) => {
    if (v.kind === 'placeholder') return [];
    const literal = valueLiteral(v);
    return literal ? [{ key, get, keyword, literal }] : null;
  });
  return fm.all ? best(anchors) : union(anchors);
}

function searchRequirement(s: Search, resolver: FieldResolver): Requirement {
  switch (s.kind) {
    case 'match':
      return fieldMatchRequirement(s.item, resolver);
    case 'and':
      return best(s.items.map((fm) => fieldMatchRequirement(fm, resolver)));
    case 'or':
      return union(s.items.map((x) => searchRequirement(x, resolver)));
  }
}

/** What every event matching `detection` must contain, for the candidate index. */
export function detectionRequirement(detection: Detection, resolver: FieldResolver): Requirement {
  const names = [...detection.searches.keys()];
  const of = (name: string) => searchRequirement(detection.searches.get(name)!, resolver);
  const walk = (c: Condition): Requirement => {
    switch (c.kind) {
      case 'ref':
        return of(c.name);
      case 'not':
        return null;
      case 'and':
        return best(c.items.map(walk));
      case 'or':
        return union(c.items.map(walk));
      case 'of': {
        const reqs = selectIdentifiers(c.pattern, names).map(of);
        return c.quantifier === 'all' ? best(reqs) : union(reqs);
      }
    }
  };
  return walk(detection.condition);
}
