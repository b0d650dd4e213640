import type { PatternPart } from '../ast.js';
import type { Sql, SqlValue } from './fragment.js';

/** The full-text index to search for free text: its rows share the event table's key as `rowid`. */
export interface FullTextIndex {
  table: string;
}

export interface FullTextTerm {
  /** The user's words or phrase, untrusted. */
  text: string;
  /** Match words starting with the last word (`mimi*`). */
  prefix: boolean;
}

/**
 * What differs between SQL engines. The compiler builds dialect-neutral structure and asks the dialect
 * only for these pieces; every user value reaches a dialect as a parameter or as a string to render with
 * `literal`, never as SQL text. A dialect without bound parameters (ClickHouse 18.16) sets
 * `supportsParameters` false and the compiler renders each parameter with `literal` instead.
 */
export interface SqlDialect {
  readonly name: string;
  readonly supportsParameters: boolean;
  /** Quotes a table, column or alias name. */
  quoteIdentifier(name: string): string;
  /** Renders a value as a safe SQL literal (for engines without parameters, and for constant JSON paths). */
  literal(value: SqlValue): string;
  /** Placeholder for the 1-based `index`-th parameter: `?` in SQLite, `$1` in PostgreSQL. */
  placeholder(index: number): string;
  /**
   * Reads a field from the original-event JSON column. `paths` lists alternative key paths to try in
   * order (a flat dotted key, then the nested path); segments are validated field-name pieces.
   */
  jsonLookup(column: Sql, paths: readonly (readonly string[])[]): Sql;
  /** `expr` equals `value`, ignoring case. */
  equalsIgnoreCase(expr: Sql, value: string): Sql;
  /** `expr` matches a `*`/`?` pattern, ignoring case. */
  likeIgnoreCase(expr: Sql, pattern: readonly PatternPart[]): Sql;
  /** `expr` as text, whatever its stored type. */
  asText(expr: Sql): Sql;
  /** `expr` as a number, or NULL when it does not hold one (so `"abc"` never compares as 0). */
  asNumber(expr: Sql): Sql;
  /** True when `predicate` is false or NULL: negation that treats a missing field as "does not match". */
  notTrue(predicate: Sql): Sql;
  /** True for events whose `key` is among the full-text index rows matching `term`. */
  fullTextMatch(key: Sql, index: FullTextIndex, term: FullTextTerm): Sql;
  /** Start of the `widthMs` bucket holding epoch-millisecond `time`. `widthMs` is a validated positive integer. */
  timeBucket(time: Sql, widthMs: number): Sql;
}

/** LIKE pattern with `\` as the escape character: `*` -> `%`, `?` -> `_`, literal `%`, `_`, `\` escaped. */
export function likePattern(pattern: readonly PatternPart[]): string {
  let out = '';
  for (const part of pattern) {
    if (part.kind === 'any') out += '%';
    else if (part.kind === 'one') out += '_';
    else out += part.text.replace(/[\\%_]/g, (c) => `\\${c}`);
  }
  return out;
}
