/**
 * The hunt query language: text -> AST (`parseQuery`) -> validated plan (`planQuery`) -> SQL for a
 * dialect (`compileQuery`), or all three at once with `compileHunt`. A library: no storage, no I/O.
 */
export * from './ast.js';
export { QueryErrorCode, tokenAt, type QueryErrorCodeValue } from './errors.js';
export { FIELD_NAME_RULE, isValidFieldName } from './fieldname.js';
export { DEFAULT_LIMITS, resolveLimits, type QueryLimits } from './limits.js';
export { parseQuery } from './parser.js';
export { BUCKET_COLUMN, planQuery, type AggregateStep, type PlanStep, type QueryPlan } from './plan.js';
export { DEFAULT_LOOKBACK_MS, parseInterval, parseTime, resolveTimeRange, type TimeRange } from './time.js';
export { compileHunt, compileQuery, type CompileOptions, type CompiledQuery, type EventSource } from './sql/compile.js';
export { likePattern, type FullTextIndex, type FullTextTerm, type SqlDialect } from './sql/dialect.js';
export { join, param, Param, raw, render, sql, Sql, type SqlValue, type ValueRenderer } from './sql/fragment.js';
export {
  DEFAULT_SCHEMA, TIME_FIELD, validateSchema, type ColumnMapping, type ColumnType, type SchemaMapping,
} from './sql/schema.js';
export { sqliteDialect } from './sql/sqlite.js';
