import { RE2JS } from 're2js';
import { VigilError, type Location } from '../../core/errors.js';

export interface CompiledRegex {
  test(s: string, lower: string): boolean;
  /** A lower-cased text every match must contain ('' when none could be derived). */
  requiredLiteral: string;
}

const compiled = new Map<string, RE2JS>();
const MAX_MEMO = 20_000;

/**
 * Compiles a Sigma regex with RE2 semantics (linear time, no backtracking), so a hostile event cannot
 * stall detection. A literal every match needs is checked first with a native substring search.
 */
export function compileRegex(source: string, flags: { i: boolean; m: boolean; s: boolean }, location: Location): CompiledRegex {
  let re: RE2JS;
  let f = 0;
  if (flags.i) f |= RE2JS.CASE_INSENSITIVE;
  if (flags.m) f |= RE2JS.MULTILINE;
  if (flags.s) f |= RE2JS.DOTALL;
  const memoKey = `${f}/${source}`;
  try {
    // A rule routed to several event shapes compiles the same regex once per shape; RE2JS objects
    // are immutable (a matcher per test), so one serves all.
    re = compiled.get(memoKey) ?? RE2JS.compile(source, f);
    if (compiled.size >= MAX_MEMO) compiled.clear();
    compiled.set(memoKey, re);
  } catch (err) {
    throw new VigilError('sigma.regex.invalid', `regular expression is not valid or uses a construct outside RE2 (lookaround, backreference): ${(err as Error).message}`, location, { cause: err });
  }
  const requiredLiteral = requiredRegexLiteral(source).toLowerCase();
  const fast = backtrackSafeRegExp(source, flags);
  const minLength = minimumMatchLength(source);
  return {
    requiredLiteral,
    test(s, lower) {
      if (s.length < minLength) return false;
      if (requiredLiteral && !lower.includes(requiredLiteral)) return false;
      if (fast && s.length <= FAST_PATH_MAX_INPUT) return fast.test(s);
      return re.matcher(s).find();
    },
  };
}

/**
 * Short inputs go to V8's native RegExp when the pattern cannot backtrack badly: no quantified group
 * that itself holds a quantifier or an alternation (the exponential shapes) and at most two unbounded
 * quantifiers (so the polynomial worst case on FAST_PATH_MAX_INPUT characters stays in milliseconds).
 * Everything else, and every long input, runs on RE2.
 */
export const FAST_PATH_MAX_INPUT = 4096;

export function backtrackSafeRegExp(source: string, flags: { i: boolean; m: boolean; s: boolean }): RegExp | undefined {
  let body = source;
  let i = flags.i;
  const inline = /^\(\?([imsU]+)\)/.exec(body);
  if (inline) {
    if (/[^i]/.test(inline[1]!)) return undefined;
    i = true;
    body = body.slice(inline[0].length);
  }
  if (/\(\?[^:]|\\[pPQEAzZ]|\[\[:/.test(body)) return undefined;
  const groups: { risky: boolean }[] = [];
  let unbounded = 0;
  let lastGroupRisky = false;
  let inClass = false;
  for (let k = 0; k < body.length; k++) {
    const c = body[k]!;
    if (c === '\\') {
      k++;
      lastGroupRisky = false;
      continue;
    }
    if (inClass) {
      if (c === ']') inClass = false;
      continue;
    }
    if (c === '[') {
      inClass = true;
      lastGroupRisky = false;
    } else if (c === '(') groups.push({ risky: false });
    else if (c === ')') {
      const g = groups.pop();
      lastGroupRisky = !!g?.risky;
      if (g?.risky && groups.length) groups[groups.length - 1]!.risky = true;
      continue;
    } else if (c === '|') {
      if (groups.length) groups[groups.length - 1]!.risky = true;
    } else if (c === '*' || c === '+' || c === '?' || c === '{') {
      let isUnbounded = c === '*' || c === '+';
      if (c === '{') {
        const m = /^\{(\d*)(,(\d*))?\}/.exec(body.slice(k));
        if (!m) continue;
        isUnbounded = m[2] !== undefined && (m[3] === '' || Number(m[3]) > 100);
        k += m[0].length - 1;
      }
      if (lastGroupRisky) return undefined;
      if (isUnbounded) unbounded++;
      if (groups.length) groups[groups.length - 1]!.risky = true;
      if (body[k + 1] === '?' || body[k + 1] === '+') k++;
    }
    lastGroupRisky = false;
  }
  if (unbounded > 2 || inClass || groups.length) return undefined;
  try {
    return new RegExp(body, (i ? 'i' : '') + (flags.m ? 'm' : '') + (flags.s ? 's' : ''));
  } catch {
    return undefined;
  }
}

const META = new Set(['\\', '.', '^', '$', '|', '?', '*', '+', '(', ')', '[', ']', '{', '}']);
const ESCAPED_LITERALS = new Set(['.', '\\', '/', '-', '^', '$', '|', '?', '*', '+', '(', ')', '[', ']', '{', '}', ' ', '"', "'", ':', '%', '&', '#', '=', ',', '<', '>', '@', '!', '_', '~', '`']);

/**
 * The longest run of plain characters that every match of `source` must contain, or '' when unsure.
 * Conservative: any top-level alternation gives up; groups and classes end a run.
 */
export function requiredRegexLiteral(source: string): string {
  source = stripLeadingFlags(source);
  if (hasTopLevelAlternation(source)) return '';
  let i = 0;
  let best = '';
  let run = '';
  const endRun = () => {
    if (run.length > best.length) best = run;
    run = '';
  };
  while (i < source.length) {
    const c = source[i]!;
    let atom: string | undefined;
    let next = i + 1;
    if (c === '\\') {
      const e = source[i + 1];
      if (e !== undefined && ESCAPED_LITERALS.has(e)) atom = e;
      next = i + 2;
    } else if (c === '[') {
      next = skipClass(source, i);
    } else if (c === '(') {
      next = skipGroup(source, i);
    } else if (!META.has(c)) {
      atom = c;
    }
    const q = source[next];
    if (q === '?' || q === '*' || (q === '{' && /^\{0[,}]/.test(source.slice(next)))) {
      endRun();
      next = skipQuantifier(source, next);
    } else if (q === '+' || q === '{') {
      if (atom !== undefined) run += atom;
      endRun();
      next = skipQuantifier(source, next);
    } else if (atom !== undefined) {
      run += atom;
    } else {
      endRun();
    }
    i = next;
  }
  endRun();
  return best;
}

/** Drops a leading `(?i)`-style flag group (flags RE2 knows), which matches no characters. */
function stripLeadingFlags(source: string): string {
  const m = /^\(\?[imsU-]+\)/.exec(source);
  return m ? source.slice(m[0].length) : source;
}

/** True when `|` splits the whole pattern (outside groups and classes): no single literal is required. */
function hasTopLevelAlternation(source: string): boolean {
  let depth = 0;
  for (let j = 0; j < source.length; j++) {
    const c = source[j];
    if (c === '\\') j++;
    else if (c === '[') j = skipClass(source, j) - 1;
    else if (c === '(') depth++;
    else if (c === ')') depth--;
    else if (c === '|' && depth === 0) return true;
  }
  return false;
}

function skipClass(s: string, i: number): number {
  let j = i + 1;
  if (s[j] === '^') j++;
  if (s[j] === ']') j++;
  while (j < s.length && s[j] !== ']') j += s[j] === '\\' ? 2 : 1;
  return j + 1;
}

function skipGroup(s: string, i: number): number {
  let depth = 0;
  for (let j = i; j < s.length; j++) {
    const c = s[j];
    if (c === '\\') j++;
    else if (c === '[') j = skipClass(s, j) - 1;
    else if (c === '(') depth++;
    else if (c === ')' && --depth === 0) return j + 1;
  }
  return s.length;
}

function skipQuantifier(s: string, i: number): number {
  let j = i;
  if (s[j] === '{') {
    const close = s.indexOf('}', j);
    j = close < 0 ? s.length : close + 1;
  } else j++;
  if (s[j] === '?' || s[j] === '+') j++;
  return j;
}

/** A lower bound on the length of any match (top-level atoms only; groups count as zero). */
export function minimumMatchLength(source: string): number {
  source = stripLeadingFlags(source);
  if (hasTopLevelAlternation(source)) return 0;
  let total = 0;
  let i = 0;
  while (i < source.length) {
    const c = source[i]!;
    let next = i + 1;
    let width = 1;
    if (c === '\\') {
      const e = source[i + 1];
      width = e === 'b' || e === 'B' || e === 'A' || e === 'z' || e === 'Z' ? 0 : 1;
      next = i + 2;
    } else if (c === '[') next = skipClass(source, i);
    else if (c === '(') {
      next = skipGroup(source, i);
      width = 0;
    } else if (c === '^' || c === '$') width = 0;
    const q = source[next];
    let times = 1;
    if (q === '?' || q === '*') times = 0;
    else if (q === '{') {
      const m = /^\{(\d+)/.exec(source.slice(next));
      times = m ? Number(m[1]) : 0;
    }
    if (q === '?' || q === '*' || q === '+' || q === '{') next = skipQuantifier(source, next);
    total += width * times;
    i = next;
  }
  return total;
}
