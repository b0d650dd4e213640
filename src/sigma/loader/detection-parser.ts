import { VigilError, type Location } from '../../core/errors.js';
import { withWildcards } from '../model/string-pattern.js';
import { parseCondition, selectIdentifiers } from '../model/condition.js';
import { buildFieldMatch, type ModifierOptions } from '../model/modifiers.js';
import type { Condition, Detection, FieldMatch, Search } from '../model/types.js';
import type { YamlDoc } from './yaml-source.js';

type Scalar = string | number | boolean | null;
const isScalar = (v: unknown): v is Scalar => v === null || ['string', 'number', 'boolean'].includes(typeof v);
const isPlainObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

export interface ParsedDetection {
  detection?: Detection;
  placeholders: string[];
  errors: VigilError[];
}

/** Parses a `detection` (or filter) section: search identifiers plus condition. `base` is its path in the document. */
export function parseDetection(section: unknown, doc: YamlDoc, base: string[], options: ModifierOptions): ParsedDetection {
  const errors: VigilError[] = [];
  const placeholders = new Set<string>();
  if (!isPlainObject(section)) {
    return { placeholders: [], errors: [new VigilError('sigma.rule.invalid', `'${base.join('.')}' must be a map of search identifiers and a condition`, doc.locate(base))] };
  }
  const searches = new Map<string, Search>();
  for (const [name, body] of Object.entries(section)) {
    if (name === 'condition' || name === 'timeframe') continue;
    try {
      searches.set(name, parseSearch(body, [...base, name]));
    } catch (err) {
      if (err instanceof VigilError) errors.push(err);
      else throw err;
    }
  }
  const rawCondition = section['condition'];
  let condition: Condition | undefined;
  if (rawCondition === undefined) {
    errors.push(new VigilError('sigma.rule.invalid', `'${base.join('.')}.condition' is missing`, doc.locate(base)));
  } else {
    const texts = Array.isArray(rawCondition) ? rawCondition : [rawCondition];
    const parsed: Condition[] = [];
    texts.forEach((text, i) => {
      const path = Array.isArray(rawCondition) ? [...base, 'condition', i] : [...base, 'condition'];
      if (typeof text !== 'string') {
        errors.push(new VigilError('sigma.rule.invalid', 'a condition must be a string', doc.locate(path)));
        return;
      }
      try {
        const cond = parseCondition(text, doc.locate(path));
        checkReferences(cond, [...searches.keys()], doc.locate(path), errors, section);
        parsed.push(cond);
      } catch (err) {
        if (err instanceof VigilError) errors.push(err);
        else throw err;
      }
    });
    if (section['timeframe'] !== undefined) {
      errors.push(new VigilError('sigma.rule.unsupported', `'timeframe' in detection belongs to the retired aggregation syntax; use a correlation rule`, doc.locate([...base, 'timeframe'])));
    }
    condition = parsed.length === 1 ? parsed[0] : { kind: 'or', items: parsed };
  }
  if (errors.length > 0 || !condition) return { placeholders: [...placeholders], errors };
  return { detection: { searches, condition }, placeholders: [...placeholders], errors };

  function parseSearch(body: unknown, path: (string | number)[]): Search {
    if (isPlainObject(body)) return { kind: 'and', items: parseFieldMap(body, path) };
    if (Array.isArray(body)) {
      if (body.length === 0) throw new VigilError('sigma.rule.invalid', 'a search identifier cannot be an empty list', doc.locate(path));
      if (body.every(isScalar)) return { kind: 'match', item: keyword(undefined, [], body, path) };
      return {
        kind: 'or',
        items: body.map((item, i) => {
          if (isPlainObject(item)) return { kind: 'and' as const, items: parseFieldMap(item, [...path, i]) };
          if (isScalar(item)) return { kind: 'match' as const, item: keyword(undefined, [], [item], [...path, i]) };
          throw new VigilError('sigma.rule.invalid', 'list items must be maps or plain values', doc.locate([...path, i]));
        }),
      };
    }
    if (isScalar(body) && body !== null) return { kind: 'match', item: keyword(undefined, [], [body], path) };
    throw new VigilError('sigma.rule.invalid', 'a search identifier must be a map, a list or a value', doc.locate(path));
  }

  function parseFieldMap(map: Record<string, unknown>, path: (string | number)[]): FieldMatch[] {
    const items: FieldMatch[] = [];
    if (Object.keys(map).length === 0) throw new VigilError('sigma.rule.invalid', 'a selection map cannot be empty', doc.locate(path));
    for (const [key, value] of Object.entries(map)) {
      const [field, ...modifiers] = key.split('|');
      const fieldPath = [...path, key];
      let values: Scalar[];
      if (Array.isArray(value)) {
        if (value.length === 0) throw new VigilError('sigma.value.invalid', 'a value list cannot be empty', doc.locate(fieldPath));
        if (!value.every(isScalar)) throw new VigilError('sigma.value.invalid', 'value lists may hold only plain values', doc.locate(fieldPath));
        if (value.length > 1 && value.includes(null)) {
          throw new VigilError('sigma.value.invalid', 'null cannot be part of a list of values; put it in its own selection', doc.locate(fieldPath));
        }
        values = value;
      } else if (isScalar(value)) {
        values = [value];
      } else {
        throw new VigilError('sigma.value.invalid', 'a field value must be a plain value or a list of them', doc.locate(fieldPath));
      }
      items.push(keyword(field ? field : undefined, modifiers, values, fieldPath));
    }
    return items;
  }

  function keyword(field: string | undefined, modifiers: string[], values: Scalar[], path: (string | number)[]): FieldMatch {
    const built = buildFieldMatch(field, modifiers, values, doc.locate(path), options);
    for (const p of built.missingPlaceholders) placeholders.add(p);
    if (field === undefined && !modifiers.some((m) => m === 'contains' || m === 'startswith' || m === 'endswith' || m === 're' || m === 'cidr')) {
      // Keyword searches look for their text anywhere in the event, as every Sigma backend treats them.
      built.match.values = built.match.values.map((v) =>
        v.kind === 'pattern' ? { ...v, parts: withWildcards(v.parts, true, true) } : v,
      );
    }
    return built.match;
  }
}

function checkReferences(cond: Condition, names: string[], location: Location, errors: VigilError[], section: Record<string, unknown>): void {
  switch (cond.kind) {
    case 'and':
    case 'or':
      for (const c of cond.items) checkReferences(c, names, location, errors, section);
      return;
    case 'not':
      checkReferences(cond.item, names, location, errors, section);
      return;
    case 'ref':
      // An identifier that exists but failed to parse already has its own error.
      if (!names.includes(cond.name) && !Object.prototype.hasOwnProperty.call(section, cond.name)) {
        errors.push(new VigilError('sigma.condition.reference', `condition names search identifier '${cond.name}' which is not defined`, location));
      }
      return;
    case 'of':
      if (selectIdentifiers(cond.pattern, Object.keys(section).filter((k) => k !== 'condition')).length === 0) {
        errors.push(new VigilError('sigma.condition.reference', `'${cond.quantifier === 'all' ? 'all' : '1'} of ${cond.pattern}' matches no search identifier`, location));
      }
  }
}
