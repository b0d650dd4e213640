import { RE2JS } from 're2js';
import { VigilError, type Location } from '../../core/errors.js';

export interface CompiledRegex {
  test(s: string, lower: string): boolean;
  /** A lower-cased text every match must contain ('' when none could be derived). */
  requiredLiteral: string;
}

/**
 * Compiles a Sigma regex with RE2 semantics (linear time, no backtracking), so a hostile event cannot
 * stall detection. A literal every match needs is checked first with a native substring search.
 */
export function compileRegex(source: string, flags: { i: boolean; m: boolean; s: boolean }, location: Location): CompiledRegex {
  let re: RE2JS;
  try {
    let f = 0;
    if (flags.i) f |= RE2JS.CASE_INSENSITIVE;
    if (flags.m) f |= RE2JS.MULTILINE;
    if (flags.s) f |= RE2JS.DOTALL;
    re = RE2JS.compile(source, f);
  } catch (err) {
    throw new VigilError('sigma.regex.invalid', `regular expression is not valid or uses a construct outside RE2 (lookaround, backreference): ${(err as Error).message}`, location, { cause: err });
  }
  const requiredLiteral = requiredRegexLiteral(source).toLowerCase();
  return {
    requiredLiteral,
    test(s, lower) {
      if (requiredLiteral && !lower.includes(requiredLiteral)) return false;
      return re.matcher(s).find();
    },
  };
}

const META = new Set(['\\', '.', '^', '$', '|', '?', '*', '+', '(', ')', '[', ']', '{', '}']);
const ESCAPED_LITERALS = new Set(['.', '\\', '/', '-', '^', '$', '|', '?', '*', '+', '(', ')', '[', ']', '{', '}', ' ', '"', "'", ':', '%', '&', '#', '=', ',', '<', '>', '@', '!', '_', '~', '`']);

/**
 * The longest run of plain characters that every match of `source` must contain, or '' when unsure.
 * Conservative: any top-level alternation gives up; groups and classes end a run.
 */
export function requiredRegexLiteral(source: string): string {
  let i = 0;
  if (source.startsWith('(?')) {
    const close = source.indexOf(')');
    if (close > 0 && /^\(\?[imsU-]+\)$/.test(source.slice(0, close + 1))) i = close + 1;
  }
  let depth = 0;
  let inClass = false;
  for (let j = i; j < source.length; j++) {
    const c = source[j]!;
    if (c === '\\') j++;
    else if (inClass) {
      if (c === ']') inClass = false;
    } else if (c === '[') inClass = true;
    else if (c === '(') depth++;
    else if (c === ')') depth--;
    else if (c === '|' && depth === 0) return '';
  }
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
