import type { PatternPart } from './types.js';

/**
 * Parses a Sigma string value into literal text and wildcards, following the spec's escaping:
 * `\*` and `\?` are literal, `\\` is one backslash, a backslash before anything else stays as is.
 */
export function parseSigmaString(value: string): PatternPart[] {
  const parts: PatternPart[] = [];
  let literal = '';
  let escaped = false;
  for (const ch of value) {
    if (escaped) {
      literal += ch === '*' || ch === '?' || ch === '\\' ? ch : '\\' + ch;
      escaped = false;
    } else if (ch === '\\') {
      escaped = true;
    } else if (ch === '*' || ch === '?') {
      if (literal) parts.push(literal);
      literal = '';
      parts.push({ wildcard: ch });
    } else {
      literal += ch;
    }
  }
  if (escaped) literal += '\\';
  if (literal) parts.push(literal);
  return mergeAdjacent(parts);
}

/** Treats the whole string as literal text (placeholders expanded to plain values, encoded values). */
export function literalPattern(text: string): PatternPart[] {
  return text ? [text] : [];
}

function mergeAdjacent(parts: PatternPart[]): PatternPart[] {
  const out: PatternPart[] = [];
  for (const p of parts) {
    const last = out[out.length - 1];
    if (typeof p === 'string' && typeof last === 'string') out[out.length - 1] = last + p;
    else if (typeof p !== 'string' && p.wildcard === '*' && last !== undefined && typeof last !== 'string' && last.wildcard === '*') continue;
    else out.push(p);
  }
  return out;
}

export function hasWildcard(parts: PatternPart[]): boolean {
  return parts.some((p) => typeof p !== 'string');
}

export function withWildcards(parts: PatternPart[], leading: boolean, trailing: boolean): PatternPart[] {
  const out = [...parts];
  if (leading) out.unshift({ wildcard: '*' });
  if (trailing) out.push({ wildcard: '*' });
  return mergeAdjacent(out);
}

/** Renders parts back to Sigma syntax (escaping literal wildcards), for messages and SQL backends. */
export function renderPattern(parts: PatternPart[]): string {
  return parts
    .map((p) => (typeof p === 'string' ? p.replace(/[*?]/g, (m) => '\\' + m).replace(/\\(?=[*?]|$)/g, '\\\\') : p.wildcard))
    .join('');
}

/** Longest literal run of a pattern: a string any matching value must contain. */
export function longestLiteral(parts: PatternPart[]): string {
  let best = '';
  for (const p of parts) if (typeof p === 'string' && p.length > best.length) best = p;
  return best;
}

export function lowerParts(parts: PatternPart[]): PatternPart[] {
  return parts.map((p) => (typeof p === 'string' ? p.toLowerCase() : p));
}
