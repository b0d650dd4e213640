import { VigilError, type Location } from '../../core/errors.js';
import { parseSigmaString, withWildcards, literalPattern } from './string-pattern.js';
import { base64, base64Offsets, utf16be, utf16le, utf16WithBom, utf8Bytes } from './encodings.js';
import type { FieldMatch, PatternPart, TimePart, ValueTest } from './types.js';
import { parseCidr } from './cidr.js';

type ModifierKind = 'position' | 'encoding' | 'linking' | 'type' | 'compare' | 'time' | 'flag' | 'regex-flag';

/** Every modifier of Sigma 2.1, keyed by the name rules write. */
export const MODIFIERS: ReadonlyMap<string, ModifierKind> = new Map<string, ModifierKind>([
  ['contains', 'position'],
  ['startswith', 'position'],
  ['endswith', 'position'],
  ['all', 'linking'],
  ['base64', 'encoding'],
  ['base64offset', 'encoding'],
  ['utf16le', 'encoding'],
  ['utf16be', 'encoding'],
  ['utf16', 'encoding'],
  ['wide', 'encoding'],
  ['windash', 'encoding'],
  ['re', 'type'],
  ['i', 'regex-flag'],
  ['m', 'regex-flag'],
  ['s', 'regex-flag'],
  ['cidr', 'type'],
  ['exists', 'type'],
  ['fieldref', 'type'],
  ['expand', 'type'],
  ['gt', 'compare'],
  ['gte', 'compare'],
  ['lt', 'compare'],
  ['lte', 'compare'],
  ['neq', 'flag'],
  ['cased', 'flag'],
  ['minute', 'time'],
  ['hour', 'time'],
  ['day', 'time'],
  ['week', 'time'],
  ['month', 'time'],
  ['year', 'time'],
]);

const WINDASH_CHARS = ['-', '/', '\u2013', '\u2014', '\u2015'];
const MAX_WINDASH_POSITIONS = 6;

export interface ModifierOptions {
  /** Values for `|expand` placeholders, by name without the percent signs. */
  placeholders?: Record<string, string[]>;
}

export interface BuiltFieldMatch {
  match: FieldMatch;
  /** Placeholder names without a configured value. */
  missingPlaceholders: string[];
}

type Scalar = string | number | boolean | null;

/** Applies a field's modifier chain to its values, producing the tests the compiler turns into predicates. */
export function buildFieldMatch(
  field: string | undefined,
  modifiers: string[],
  rawValues: Scalar[],
  location: Location,
  options: ModifierOptions = {},
): BuiltFieldMatch {
  for (const m of modifiers) {
    if (!MODIFIERS.has(m)) {
      throw new VigilError('sigma.modifier.unknown', `unknown modifier '${m}'; known modifiers: ${[...MODIFIERS.keys()].join(', ')}`, location);
    }
  }
  const has = (m: string) => modifiers.includes(m);
  const position = {
    contains: has('contains'),
    startswith: has('startswith'),
    endswith: has('endswith'),
  };
  const cased = has('cased');
  const compare = modifiers.find((m) => MODIFIERS.get(m) === 'compare') as 'gt' | 'gte' | 'lt' | 'lte' | undefined;
  const timePart = modifiers.find((m) => MODIFIERS.get(m) === 'time') as TimePart | undefined;
  const reFlagsBeforeRe = modifiers.findIndex((m) => MODIFIERS.get(m) === 'regex-flag') < modifiers.indexOf('re');
  if (modifiers.some((m) => MODIFIERS.get(m) === 'regex-flag') && (!has('re') || reFlagsBeforeRe)) {
    throw new VigilError('sigma.modifier.invalid', `regex flags i, m and s must follow the 're' modifier`, location);
  }
  const missing = new Set<string>();
  const values: ValueTest[] = [];
  for (const raw of rawValues) {
    for (const test of valueTests(raw)) values.push(test);
  }
  if (values.length === 0 && rawValues.length > 0) {
    throw new VigilError('sigma.value.invalid', 'no value left after applying modifiers', location);
  }
  return {
    match: { field, modifiers, values, all: has('all'), negate: has('neq'), location },
    missingPlaceholders: [...missing],
  };

  function valueTests(raw: Scalar): ValueTest[] {
    if (has('exists')) {
      if (typeof raw !== 'boolean') throw new VigilError('sigma.value.invalid', `'exists' takes true or false, got ${JSON.stringify(raw)}`, location);
      return [{ kind: 'exists', value: raw }];
    }
    if (raw === null) return [{ kind: 'null' }];
    if (timePart) {
      const inner = compare ? compareTest(raw, compare) : { kind: 'pattern' as const, parts: [String(raw)], cased: true };
      return [{ kind: 'timepart', part: timePart, test: inner }];
    }
    if (compare) return [compareTest(raw, compare)];
    const text = String(raw);
    if (has('re')) {
      if (typeof raw !== 'string') throw new VigilError('sigma.value.invalid', `'re' takes a string`, location);
      return [{ kind: 'regex', source: text, flags: { i: has('i'), m: has('m'), s: has('s') } }];
    }
    if (has('cidr')) {
      const network = parseCidr(text);
      if (!network) throw new VigilError('sigma.value.invalid', `'${text}' is not a CIDR network`, location);
      return [{ kind: 'cidr', network: text }];
    }
    if (has('fieldref')) return [{ kind: 'fieldref', field: text, cased, ...position }];
    if (has('expand')) return expandPlaceholders(text);
    return patternsFor(text, typeof raw === 'string');
  }

  function compareTest(raw: Scalar, op: 'gt' | 'gte' | 'lt' | 'lte'): ValueTest {
    const n = typeof raw === 'number' ? raw : Number(raw);
    if (typeof raw === 'boolean' || raw === null || raw === '' || !Number.isFinite(n)) {
      throw new VigilError('sigma.value.invalid', `'${op}' takes a number, got ${JSON.stringify(raw)}`, location);
    }
    return { kind: 'compare', op, value: n };
  }

  function patternsFor(text: string, sigmaSyntax: boolean): ValueTest[] {
    let variants: { text: string; literal: boolean }[] = [{ text, literal: !sigmaSyntax }];
    for (const m of modifiers) {
      if (MODIFIERS.get(m) !== 'encoding') continue;
      variants = variants.flatMap((v) => applyEncoding(m, v));
    }
    return variants.map((v) => {
      const parts: PatternPart[] = v.literal ? literalPattern(v.text) : parseSigmaString(v.text);
      const wrapped = withWildcards(parts, position.contains || position.endswith, position.contains || position.startswith);
      return { kind: 'pattern' as const, parts: wrapped, cased };
    });
  }

  function applyEncoding(m: string, v: { text: string; literal: boolean }): { text: string; literal: boolean }[] {
    // Encoded values are byte strings: wildcards cannot survive encoding, so the text becomes literal.
    const bytes = v.literal ? v.text : utf8Bytes(v.text);
    switch (m) {
      case 'windash':
        return windashVariants(v.text).map((t) => ({ text: t, literal: v.literal }));
      case 'base64':
        return [{ text: base64(bytes), literal: true }];
      case 'base64offset':
        return base64Offsets(bytes).map((t) => ({ text: t, literal: true }));
      case 'utf16le':
      case 'wide':
        return [{ text: utf16le(bytes), literal: true }];
      case 'utf16be':
        return [{ text: utf16be(bytes), literal: true }];
      case 'utf16':
        return [{ text: utf16WithBom(bytes), literal: true }];
      default:
        return [v];
    }
  }

  function windashVariants(text: string): string[] {
    const positions: number[] = [];
    for (let i = 0; i < text.length; i++) if (WINDASH_CHARS.includes(text[i]!)) positions.push(i);
    if (positions.length > MAX_WINDASH_POSITIONS) {
      throw new VigilError('sigma.value.invalid', `'windash' supports at most ${MAX_WINDASH_POSITIONS} dashes per value`, location);
    }
    let out = [text];
    for (const pos of positions) {
      out = out.flatMap((t) => WINDASH_CHARS.map((c) => t.slice(0, pos) + c + t.slice(pos + 1)));
    }
    return [...new Set(out)];
  }

  function expandPlaceholders(text: string): ValueTest[] {
    const names = placeholderNames(text);
    const configured = options.placeholders ?? {};
    const unset = names.filter((n) => !configured[n]);
    if (unset.length > 0) {
      for (const n of unset) missing.add(n);
      return [{ kind: 'placeholder', name: unset[0]!, parts: parseSigmaString(text), cased }];
    }
    let expanded = [text];
    for (const name of names) {
      expanded = expanded.flatMap((t) => configured[name]!.map((v) => t.split(`%${name}%`).join(v)));
    }
    return expanded.flatMap((t) => patternsFor(t.replace(/\\%/g, '%'), true));
  }
}

/** `%name%` placeholders in a value, skipping `\%` escapes. */
export function placeholderNames(text: string): string[] {
  const names: string[] = [];
  const re = /(?<!\\)%([A-Za-z0-9_.-]+)%/g;
  for (let m = re.exec(text); m; m = re.exec(text)) names.push(m[1]!);
  return names;
}
