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
