import type { Expr, MatchTerm, RangeBound, RangeTerm, TextTerm } from '../ast.js';
import { excerpt, queryError, QueryErrorCode } from '../errors.js';
import { parseTime } from '../time.js';
import type { FullTextIndex, SqlDialect } from './dialect.js';
import { join, param, raw, sql, type Sql } from './fragment.js';
import type { Relation, ResolvedField } from './relation.js';

export interface PredicateContext {
  relation: Relation;
  dialect: SqlDialect;
  fullText: FullTextIndex | null;
  /** Reference point for relative times in `@timestamp>-1h`. */
  now: number;
}

const NUMBER = /^[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?$/;

function asNumber(text: string): number | null {
  if (!NUMBER.test(text)) return null;
  const value = Number(text);
  return Number.isFinite(value) ? value : null;
}

/**
 * Compiles a filter to a SQL boolean. Atoms may yield NULL when a field is missing; AND/OR keep NULL
 * as "not matched", and `not` is compiled with `notTrue` so `not user.name:SYSTEM` also returns events
 * that have no user.name at all, as analysts expect from search engines.
 */
export function compilePredicate(expr: Expr, ctx: PredicateContext): Sql {
  switch (expr.type) {
    case 'and':
    case 'or':
      return sql`(${join(expr.children.map((c) => compilePredicate(c, ctx)), expr.type === 'and' ? ' AND ' : ' OR ')})`;
    case 'not':
      return ctx.dialect.notTrue(compilePredicate(expr.child, ctx));
    case 'exists':
      return sql`${ctx.relation.resolve(expr.field, expr.span.start).sql} IS NOT NULL`;
    case 'match':
      return compileMatch(expr, ctx);
    case 'range':
      return compileRange(expr, ctx);
    case 'text':
      return compileText(expr, ctx);
  }
}

function compileMatch(term: MatchTerm, ctx: PredicateContext): Sql {
  const { dialect } = ctx;
  const field = ctx.relation.resolve(term.field, term.span.start);
  const text = field.type === 'text' ? field.sql : dialect.asText(field.sql);
  if (term.value.pattern) return dialect.likeIgnoreCase(text, term.value.pattern);
  if (field.type === 'time') return sql`${field.sql} = ${param(timeOf(term.value.text, ctx, term.span.start))}`;
  const number = field.type === 'number' ? asNumber(term.value.text) : null;
  if (number !== null) return sql`${field.sql} = ${param(number)}`;
  return dialect.equalsIgnoreCase(text, term.value.text);
}

/**
 * Numbers compare numerically, `@timestamp` bounds as times (ISO 8601, relative or epoch ms), and any
 * other bound as text. A text or JSON field compared with numbers is converted with `asNumber`, which
 * is NULL for non-numbers, so `bytes<10` never matches `"abc"`.
 */
function compileRange(term: RangeTerm, ctx: PredicateContext): Sql {
  const field = ctx.relation.resolve(term.field, term.span.start);
  const bounds = [term.lower, term.upper].filter((b): b is RangeBound => b !== null);
  if (bounds.length === 0) return sql`${field.sql} IS NOT NULL`;
  const numeric = bounds.every((b) => asNumber(b.text) !== null);
  const [subject, value] = rangeOperands(field, numeric, ctx, term);
  const parts: Sql[] = [];
  if (term.lower) parts.push(sql`${subject} ${op(term.lower.inclusive ? '>=' : '>')} ${param(value(term.lower))}`);
  if (term.upper) parts.push(sql`${subject} ${op(term.upper.inclusive ? '<=' : '<')} ${param(value(term.upper))}`);
  return parts.length === 1 ? parts[0]! : sql`(${join(parts, ' AND ')})`;
}

function rangeOperands(
  field: ResolvedField,
  numeric: boolean,
  ctx: PredicateContext,
  term: RangeTerm,
): [Sql, (bound: RangeBound) => string | number] {
  const { dialect } = ctx;
  switch (field.type) {
    case 'time':
      return [field.sql, (b) => timeOf(b.text, ctx, term.span.start)];
    case 'number':
      if (!numeric) {
        const bad = [term.lower, term.upper].find((b) => b && asNumber(b.text) === null)!;
        throw queryError(
          QueryErrorCode.plan,
          `'${term.field}' is numeric but the bound '${excerpt(bad.text)}' is not a number`,
          term.span.start,
          term.field,
        );
      }
      return [field.sql, (b) => asNumber(b.text)!];
    case 'text':
    case 'dynamic':
      if (numeric) return [dialect.asNumber(field.sql), (b) => asNumber(b.text)!];
      return [field.type === 'text' ? field.sql : dialect.asText(field.sql), (b) => b.text];
  }
}

function op(symbol: '>' | '>=' | '<' | '<='): Sql {
  return raw(symbol);
}

function timeOf(text: string, ctx: PredicateContext, offset: number): number {
  return parseTime(text, ctx.now, offset);
}

function compileText(term: TextTerm, ctx: PredicateContext): Sql {
  const key = ctx.relation.key();
  if (!key || !ctx.fullText) {
    throw queryError(
      QueryErrorCode.plan,
      'free-text search is not available here; search a field instead, e.g. message:*text*',
      term.span.start,
    );
  }
  return ctx.dialect.fullTextMatch(key, ctx.fullText, { text: term.text, prefix: term.prefix });
}
