/** Bounds that keep hostile or accidental queries from exhausting the parser, the compiler or the database. */
export interface QueryLimits {
  /** Longest accepted query text, in UTF-8 bytes. */
  maxLength: number;
  /** Deepest nesting of parentheses and `not`, so recursion stays far from the stack limit. */
  maxDepth: number;
  /** Most field/free-text terms in one query; each becomes a predicate in SQL. */
  maxTerms: number;
  /** Most `| stage` commands. */
  maxStages: number;
  /** Longest single value or phrase, in characters. */
  maxValueLength: number;
  /** Most `*`/`?` wildcards in one value; LIKE matching cost grows with each one. */
  maxWildcards: number;
  /** Largest `| head N` and the hard cap on rows any query returns. */
  maxRows: number;
  /** Row cap applied when the query has no `| head`. */
  defaultRows: number;
  /** N for a bare `| head`. */
  defaultHead: number;
}

export const DEFAULT_LIMITS: Readonly<QueryLimits> = Object.freeze({
  maxLength: 8 * 1024,
  maxDepth: 32,
  maxTerms: 256,
  maxStages: 16,
  maxValueLength: 1024,
  maxWildcards: 16,
  maxRows: 10_000,
  defaultRows: 1_000,
  defaultHead: 10,
});

export function resolveLimits(overrides?: Partial<QueryLimits>): QueryLimits {
  return { ...DEFAULT_LIMITS, ...overrides };
}
