import { VigilError } from '../core/errors.js';

/** Error codes raised by the hunt language, stable for API callers to branch on. */
export const QueryErrorCode = {
  /** The text does not follow the grammar (or names a field with forbidden characters). */
  syntax: 'query.syntax',
  /** The text is well-formed but too big: length, nesting depth, terms, stages, value size. */
  limit: 'query.limit',
  /** The pipeline makes no sense: an unknown column after `stats`, a bound that is not a number. */
  plan: 'query.plan',
  /** A time expression (`-24h`, ISO 8601, epoch ms) could not be read. */
  time: 'query.time',
  /** The schema mapping handed to the compiler is unusable (a bad column name, a missing time field). */
  schema: 'query.schema',
} as const;

export type QueryErrorCodeValue = (typeof QueryErrorCode)[keyof typeof QueryErrorCode];

/** Builds a query error at a 0-based offset of the query text; the location and message say the 1-based column. */
export function queryError(code: QueryErrorCodeValue, message: string, offset?: number, field?: string): VigilError {
  const location = offset === undefined ? {} : { line: 1, column: offset + 1 };
  const where = offset === undefined ? '' : ` at column ${offset + 1}`;
  return new VigilError(code, `${message}${where}`, field === undefined ? location : { ...location, field });
}

/** Shortens user text quoted back in messages so a hostile 8 KiB token does not become an 8 KiB error. */
export function excerpt(text: string, max = 40): string {
  return text.length <= max ? text : `${text.slice(0, max)}…`;
}

const SINGLE = new Set(['(', ')', '[', ']', '{', '}', '|', ':', ',']);
const TWO_CHAR = new Set(['>=', '<=', '!=', '==', '&&', '||']);
const WORD_END = /[\s"()[\]{}|:<>=,]/;

/**
 * The token of `text` that starts at 0-based `offset`, read with a simplified lexer (a quoted string, an
 * operator, a bracket, or a word up to whitespace or punctuation), or undefined at the end of the query.
 */
export function tokenAt(text: string, offset: number): string | undefined {
  if (offset < 0 || offset >= text.length || /^\s*$/.test(text.slice(offset))) return undefined;
  const c = text[offset]!;
  if (c === '"') {
    let i = offset + 1;
    while (i < text.length && text[i] !== '"') i += text[i] === '\\' ? 2 : 1;
    return excerpt(text.slice(offset, Math.min(i + 1, text.length)));
  }
  const two = text.slice(offset, offset + 2);
  if (TWO_CHAR.has(two)) return two;
  if (SINGLE.has(c) || c === '<' || c === '>' || c === '=' || c === '!' || /\s/.test(c)) return c;
  let i = offset + 1;
  while (i < text.length && !WORD_END.test(text[i]!)) i += text[i] === '\\' ? 2 : 1;
  return excerpt(text.slice(offset, Math.min(i, text.length)));
}

/** Adds the offending token to a query error that has a column and none yet; other errors pass unchanged. */
export function withToken(err: unknown, text: string): unknown {
  if (err instanceof VigilError && err.code.startsWith('query.') && err.location.column !== undefined && err.location.token === undefined) {
    const token = tokenAt(text, err.location.column - 1);
    if (token !== undefined) err.location.token = token;
  }
  return err;
}
