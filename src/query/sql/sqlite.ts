import type { PatternPart } from '../ast.js';
import { queryError, QueryErrorCode } from '../errors.js';
import type { FullTextIndex, FullTextTerm, SqlDialect } from './dialect.js';
import { likePattern } from './dialect.js';
import { join, param, raw, sql, type Sql, type SqlValue } from './fragment.js';

function quoteIdentifier(name: string): string {
  if (name.includes('\0')) throw queryError(QueryErrorCode.schema, 'an identifier cannot contain NUL');
  return `"${name.replace(/"/g, '""')}"`;
}

function literal(value: SqlValue): string {
  if (value === null) return 'NULL';
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw queryError(QueryErrorCode.plan, 'cannot render a non-finite number');
    return String(value);
  }
  // SQLite string literals have no backslash escapes; doubling the quote is the only escape.
  if (value.includes('\0')) throw queryError(QueryErrorCode.plan, 'a value cannot contain NUL');
  return `'${value.replace(/'/g, "''")}'`;
}

/**
 * SQLite (3.45+, JSON1 and FTS5 built in, as shipped by better-sqlite3).
 *
 * Case-insensitivity is ASCII-only, as SQLite provides it without ICU: `=` uses `COLLATE NOCASE`, and
 * wildcards use `LIKE`, which SQLite already compares ignoring ASCII case. The storage layer must
 * therefore never turn on `PRAGMA case_sensitive_like`.
 */
export const sqliteDialect: SqlDialect = {
  name: 'sqlite',
  supportsParameters: true,

  quoteIdentifier,
  literal,

  placeholder(): string {
    return '?';
  },

  jsonLookup(column: Sql, paths: readonly (readonly string[])[]): Sql {
    const lookups = paths.map((segments) => {
      for (const segment of segments) {
        if (!/^[A-Za-z0-9_@.-]+$/.test(segment)) throw queryError(QueryErrorCode.plan, 'unsafe JSON path segment');
      }
      const path = `$${segments.map((s) => `."${s}"`).join('')}`;
      return sql`json_extract(${column}, ${raw(literal(path))})`;
    });
    return lookups.length === 1 ? lookups[0]! : sql`coalesce(${join(lookups, ', ')})`;
  },

  equalsIgnoreCase(expr: Sql, value: string): Sql {
    return sql`${expr} = ${param(value)} COLLATE NOCASE`;
  },

  likeIgnoreCase(expr: Sql, pattern: readonly PatternPart[]): Sql {
    return sql`${expr} LIKE ${param(likePattern(pattern))} ESCAPE '\\'`;
  },

  asText(expr: Sql): Sql {
    return sql`CAST(${expr} AS TEXT)`;
  },

  // json_valid() accepts exactly RFC 8259 text, so it doubles as a strict "is this a number" test for
  // strings; CASE keeps json_type() from ever seeing text that is not JSON.
  asNumber(expr: Sql): Sql {
    return sql`(CASE WHEN typeof(${expr}) IN ('integer', 'real') THEN ${expr} WHEN typeof(${expr}) = 'text' AND json_valid(${expr}) THEN (CASE WHEN json_type(${expr}) IN ('integer', 'real') THEN CAST(${expr} AS REAL) END) END)`;
  },

  notTrue(predicate: Sql): Sql {
    return sql`(${predicate}) IS NOT 1`;
  },

  fullTextMatch(key: Sql, index: FullTextIndex, term: FullTextTerm): Sql {
    // One FTS5 string token: inside double quotes only '"' is special (doubled), so user text can never
    // become FTS5 operators (AND, NEAR, column filters, '^').
    if (term.text.includes('\0')) throw queryError(QueryErrorCode.plan, 'free text cannot contain NUL');
    const phrase = `"${term.text.replace(/"/g, '""')}"${term.prefix ? ' *' : ''}`;
    const table = raw(quoteIdentifier(index.table));
    return sql`${key} IN (SELECT rowid FROM ${table} WHERE ${table} MATCH ${param(phrase)})`;
  },

  timeBucket(time: Sql, widthMs: number): Sql {
    if (!Number.isSafeInteger(widthMs) || widthMs <= 0) throw queryError(QueryErrorCode.plan, 'invalid bucket width');
    // An integer the parser produced, rendered as a literal so SELECT and GROUP BY hold the same expression.
    const width = raw(String(widthMs));
    return sql`(CAST(${time} AS INTEGER) / ${width}) * ${width}`;
  },
};
