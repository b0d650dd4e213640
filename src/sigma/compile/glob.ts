import type { PatternPart } from '../model/types.js';

export type StringTest = (s: string) => boolean;

/**
 * Compiles wildcard parts into a string test. Common shapes (exact, prefix, suffix, contains) use native
 * string methods; the general case splits on `*` and finds segments left to right, which is linear per
 * segment and cannot backtrack catastrophically.
 */
export function compileGlob(parts: PatternPart[]): StringTest {
  if (parts.length === 0) return (s) => s === '';
  const star = (p: PatternPart | undefined) => p !== undefined && typeof p !== 'string' && p.wildcard === '*';
  const onlyStarsAndLiterals = parts.every((p) => typeof p === 'string' || p.wildcard === '*');
  if (onlyStarsAndLiterals) {
    const literals = parts.filter((p): p is string => typeof p === 'string');
    if (literals.length === 0) return () => true;
    if (literals.length === 1) {
      const lit = literals[0]!;
      const lead = star(parts[0]);
      const trail = star(parts[parts.length - 1]);
      if (lead && trail) return (s) => s.includes(lit);
      if (lead) return (s) => s.endsWith(lit);
      if (trail) return (s) => s.startsWith(lit);
      return (s) => s === lit;
    }
  }
  const segments = splitSegments(parts);
  const anchoredStart = !star(parts[0]);
  const anchoredEnd = !star(parts[parts.length - 1]);
  return (s) => matchSegments(s, segments, anchoredStart, anchoredEnd);
}

/** A run between stars: literal text where `?` positions are marked (null means any one character). */
type Segment = (string | null)[];

function splitSegments(parts: PatternPart[]): Segment[] {
  const segments: Segment[] = [];
  let current: Segment = [];
  for (const p of parts) {
    if (typeof p === 'string') for (const ch of p) current.push(ch);
    else if (p.wildcard === '?') current.push(null);
    else {
      segments.push(current);
      current = [];
    }
  }
  segments.push(current);
  return segments;
}

function segmentAt(s: string, seg: Segment, pos: number): boolean {
  if (pos + seg.length > s.length) return false;
  for (let i = 0; i < seg.length; i++) {
    const c = seg[i];
    if (c !== null && s[pos + i] !== c) return false;
  }
  return true;
}

function findSegment(s: string, seg: Segment, from: number): number {
  const plain = seg.every((c) => c !== null);
  if (plain) return s.indexOf(seg.join(''), from);
  for (let pos = from; pos + seg.length <= s.length; pos++) if (segmentAt(s, seg, pos)) return pos;
  return -1;
}

function matchSegments(s: string, segments: Segment[], anchoredStart: boolean, anchoredEnd: boolean): boolean {
  // Character positions here are UTF-16 code units: `?` matches one code unit, as JS strings index.
  const first = segments[0]!;
  const last = segments[segments.length - 1]!;
  if (segments.length === 1) return s.length === first.length && segmentAt(s, first, 0);
  let pos = 0;
  let startIdx = 0;
  if (anchoredStart) {
    if (!segmentAt(s, first, 0)) return false;
    pos = first.length;
    startIdx = 1;
  }
  const endLimit = anchoredEnd ? s.length - last.length : s.length;
  if (anchoredEnd && (endLimit < pos || !segmentAt(s, last, endLimit))) return false;
  const stopIdx = anchoredEnd ? segments.length - 1 : segments.length;
  for (let i = startIdx; i < stopIdx; i++) {
    const seg = segments[i]!;
    if (seg.length === 0) continue;
    const at = findSegment(s, seg, pos);
    if (at < 0 || at + seg.length > endLimit) return false;
    pos = at + seg.length;
  }
  return true;
}
