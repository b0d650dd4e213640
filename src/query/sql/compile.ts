import type { NameRef } from '../ast.js';
import { queryError, QueryErrorCode, withToken } from '../errors.js';
import { resolveLimits, type QueryLimits } from '../limits.js';
import { parseQuery } from '../parser.js';
import { BUCKET_COLUMN, planQuery, type AggregateStep, type QueryPlan } from '../plan.js';
import { DEFAULT_LOOKBACK_MS, type TimeRange } from '../time.js';
import type { FullTextIndex, SqlDialect } from './dialect.js';
import { join, param, raw, render, sql, type Sql, type SqlValue } from './fragment.js';
import { compilePredicate, type PredicateContext } from './predicate.js';
import { eventsRelation, rowsRelation, type OrderKey, type Relation, type RowColumn } from './relation.js';
import { DEFAULT_SCHEMA, TIME_FIELD, validateSchema, type SchemaMapping } from './schema.js';
import { sqliteDialect } from './sqlite.js';

export interface CompileOptions {
  /** Field-to-column mapping; defaults to `DEFAULT_SCHEMA`. */
  schema?: SchemaMapping;
  /** Defaults to SQLite. */
  dialect?: SqlDialect;
  /** Events searched; defaults to the 24 hours before `now`. Always applied. */
  range?: TimeRange;
  /** Epoch ms for relative times and the default range; defaults to the current time. */
  now?: number;
  limits?: Partial<QueryLimits>;
  /** Render values as literals instead of parameters; forced on for dialects without parameters. */
  inline?: boolean;
  /**
   * Tables holding the events, e.g. a store's day partitions, read instead of `schema.table` and
   * `schema.fullText`. Each has the layout of `schema.table` and its own full-text index; keys are
   * unique across them. Filters (with the time range) run inside each table; every later step runs
   * over their union, so the result is the one a single table holding all these rows would give.
   */
  sources?: readonly EventSource[];
}

/** One table of events with its own full-text index (rowid = the event key). */
export interface EventSource {
  table: string;
  fullText: FullTextIndex | null;
  /**
   * Every row of the table is inside the query's range and stays so while the query runs (a closed
   * day partition within it): the time bounds are left out there, which frees SQLite to answer from a
   * covering index instead of the time index plus a row lookup each.
   */
  whole?: boolean;
}

export interface CompiledQuery {
  sql: string;
  params: SqlValue[];
  /** `events`: rows are whole stored events (`SELECT *`); `rows`: the named `columns`. */
  kind: 'events' | 'rows';
  columns?: string[];
  /** The time range applied, so a partitioned store can pick the tables it touches. */
  range: TimeRange;
  /** The same query compiled over other event tables (`CompileOptions.sources`). */
  over(sources: readonly EventSource[]): { sql: string; params: SqlValue[] };
}

/** A WHERE condition; conditions of the first layer are compiled once per source (its own FTS table). */
type Condition = ((fullText: FullTextIndex | null) => Sql) & { time?: true };

// SQLite refuses compound SELECTs of more than 500 terms; larger unions are nested in chunks.
const MAX_UNION_TERMS = 400;

/** One SELECT. Steps fill it in; a step that cannot follow what is already there wraps it in a subquery. */
interface Layer {
  input: Relation;
  from: Sql;
  where: Condition[];
  /** Only on the first layer when compiling over `options.sources`. */
  sources: readonly EventSource[] | null;
  aggregate: { step: AggregateStep; columns: RowColumn[] } | null;
  order: OrderKey[] | null;
  limit: number | null;
}

/** Parses, plans and compiles hunt query text in one call. */
export function compileHunt(text: string, options: CompileOptions = {}): CompiledQuery {
  try {
    return compileQuery(planQuery(parseQuery(text, options.limits)), options);
  } catch (err) {
    throw withToken(err, text);
  }
}

/** Compiles a plan to one SQL statement for `options.dialect`, restricted to `options.range`. */
export function compileQuery(plan: QueryPlan, options: CompileOptions = {}): CompiledQuery {
  const schema = options.schema ?? DEFAULT_SCHEMA;
  validateSchema(schema);
  const dialect = options.dialect ?? sqliteDialect;
  const limits = resolveLimits(options.limits);
  const now = options.now ?? Date.now();
  const range = options.range ?? { from: now - DEFAULT_LOOKBACK_MS, to: now };
  if (!Number.isFinite(range.from) || !Number.isFinite(range.to) || range.from > range.to) {
    throw queryError(QueryErrorCode.time, 'the time range must be finite and start before it ends');
  }
  const sources = options.sources ?? null;
  if (sources) {
    if (sources.length === 0) throw queryError(QueryErrorCode.schema, 'a query needs at least one event table');
    for (const s of sources) validateSchema({ ...schema, table: s.table, fullText: s.fullText });
  }
  const ctx = (relation: Relation, fullText: FullTextIndex | null = schema.fullText): PredicateContext =>
    ({ relation, dialect, fullText, now });
  const condition = (expr: Parameters<typeof compilePredicate>[0], relation: Relation): Condition => {
    // Compile once now so errors surface even when there is no source to render for.
    const compiled = compilePredicate(expr, ctx(relation));
    return (fullText) => (fullText === schema.fullText ? compiled : compilePredicate(expr, ctx(relation, fullText)));
  };
  let aliases = 0;

  // Event columns the query reads: a union of tables under an aggregate selects only these.
  const used = new Set<string>([schema.key]);
  const events = eventsRelation(schema, dialect, schema.table, used);
  const time = events.resolve(TIME_FIELD).sql;
  const timeBound = (make: () => Sql): Condition => Object.assign(make, { time: true as const });
  let layer: Layer = {
    input: events,
    from: raw(dialect.quoteIdentifier(schema.table)),
    where: [timeBound(() => sql`${time} >= ${param(range.from)}`), timeBound(() => sql`${time} < ${param(range.to)}`)],
    sources,
    aggregate: null,
    order: null,
    limit: null,
  };
  if (plan.filter) layer.where.push(condition(plan.filter, events));

  const wrap = (inner: Layer): Layer => {
    const alias = `q${++aliases}`;
    const input = inner.aggregate
      ? rowsRelation(inner.aggregate.columns, defaultOrder(inner.aggregate.step), dialect, alias)
      : inner.input.rebase(alias);
    return {
      input,
      from: sql`(${renderLayer(inner, null, false)}) AS ${raw(dialect.quoteIdentifier(alias))}`,
      where: [],
      sources: null,
      aggregate: null,
      // Order survives wrapping only where the outer query repeats it; an aggregate's default is re-derived.
      order: inner.aggregate ? null : inner.order,
      limit: null,
    };
  };

  const renderLayer = (l: Layer, projection: readonly NameRef[] | null, final: boolean): Sql => {
    let select: Sql;
    let groupBy: Sql | null = null;
    if (l.aggregate) {
      const groups = groupExpressions(l.input, l.aggregate.step, dialect);
      const items = groups.map((g) => sql`${g.sql} AS ${raw(dialect.quoteIdentifier(g.name))}`);
      for (const agg of l.aggregate.step.aggregations) {
        items.push(sql`${aggregateExpression(l.input, agg, dialect)} AS ${raw(dialect.quoteIdentifier(agg.name))}`);
      }
      select = join(items, ', ');
      if (groups.length) groupBy = join(groups.map((g) => g.sql), ', ');
    } else if (projection) {
      select = join(projection.map((p) => sql`${l.input.resolve(p.name, p.span.start).sql} AS ${raw(dialect.quoteIdentifier(p.name))}`), ', ');
    } else {
      select = raw('*');
    }
    const ordered = !l.aggregate && (final || l.limit !== null);
    const where = (fullText: FullTextIndex | null, whole = false): Sql | null => {
      const list = whole ? l.where.filter((c) => !c.time) : l.where;
      return list.length ? join(list.map((c) => c(fullText)), ' AND ') : null;
    };
    let from = l.from;
    let conditions = where(schema.fullText);
    if (l.sources) {
      const alias = raw(dialect.quoteIdentifier(schema.table));
      const tableOf = (s: EventSource): Sql => sql`${raw(dialect.quoteIdentifier(s.table))} AS ${alias}`;
      if (l.sources.length === 1) {
        from = tableOf(l.sources[0]!);
        conditions = where(l.sources[0]!.fullText, l.sources[0]!.whole);
      } else {
        // Filters run inside each table (on its indexes and FTS); a limited, ordered layer also takes only
        // its first rows from each, since the first N of the union are among them. Under an aggregate each
        // table gives only the columns read (the select above has resolved them all by now), so SQLite
        // can read them from an index.
        const columns = l.aggregate ? join([...used].map((c) => raw(dialect.quoteIdentifier(c))), ', ') : raw('*');
        const branches = l.sources.map((s) => {
          const w = where(s.fullText, s.whole);
          let branch = sql`SELECT ${columns} FROM ${tableOf(s)}`;
          if (w) branch = sql`${branch} WHERE ${w}`;
          if (ordered && l.limit !== null) branch = sql`SELECT * FROM (${branch} ORDER BY ${l.input.orderBy(l.order ?? [])} LIMIT ${param(l.limit)})`;
          return branch;
        });
        from = sql`(${unionAll(branches)}) AS ${alias}`;
        conditions = null;
      }
    }
    let out = sql`SELECT ${select} FROM ${from}`;
    if (conditions) out = sql`${out} WHERE ${conditions}`;
    if (groupBy) out = sql`${out} GROUP BY ${groupBy}`;
    if (ordered) out = sql`${out} ORDER BY ${l.input.orderBy(l.order ?? [])}`;
    if (l.limit !== null) out = sql`${out} LIMIT ${param(l.limit)}`;
    return out;
  };

  for (const step of plan.steps) {
    switch (step.op) {
      case 'filter':
        if (layer.limit !== null || layer.aggregate) layer = wrap(layer);
        layer.where.push(condition(step.expr, layer.input));
        break;
      case 'aggregate':
        if (layer.limit !== null || layer.aggregate) layer = wrap(layer);
        layer.aggregate = { step, columns: aggregateColumns(layer.input, step) };
        layer.order = null;
        break;
      case 'sort':
        if (layer.limit !== null || layer.aggregate) layer = wrap(layer);
        layer.order = step.keys.map((k) => ({ name: k.name, desc: k.desc }));
        // Resolve now so an unknown column is reported at its own position.
        for (const k of step.keys) layer.input.resolve(k.name, k.span.start);
        break;
      case 'limit':
        if (layer.aggregate) layer = wrap(layer);
        layer.limit = Math.min(layer.limit ?? step.count, step.count);
        break;
    }
  }
  if (layer.aggregate) layer = wrap(layer);
  layer.limit = Math.min(layer.limit ?? limits.defaultRows, limits.maxRows);

  const inline = options.inline === true || !dialect.supportsParameters;
  const { sql: text, params } = render(renderLayer(layer, plan.projection, true), dialect, inline);
  const over = (list: readonly EventSource[]): { sql: string; params: SqlValue[] } => {
    const { sql: s, params: p } = compileQuery(plan, { ...options, range, now, sources: list });
    return { sql: s, params: p };
  };
  return plan.kind === 'rows' && plan.columns
    ? { sql: text, params, kind: 'rows', columns: [...plan.columns], range, over }
    : { sql: text, params, kind: 'events', range, over };
}

function unionAll(branches: readonly Sql[]): Sql {
  if (branches.length <= MAX_UNION_TERMS) return join(branches, ' UNION ALL ');
  const chunks: Sql[] = [];
  for (let i = 0; i < branches.length; i += MAX_UNION_TERMS) {
    chunks.push(sql`SELECT * FROM (${unionAll(branches.slice(i, i + MAX_UNION_TERMS))})`);
  }
  return unionAll(chunks);
}

function groupExpressions(input: Relation, step: AggregateStep, dialect: SqlDialect): { name: string; sql: Sql }[] {
  const groups = step.groupBy.map((g) => ({ name: g.name, sql: input.resolve(g.name, g.span.start).sql }));
  if (step.bucketMs === null) return groups;
  const time = input.resolve(TIME_FIELD).sql;
  return [{ name: BUCKET_COLUMN, sql: dialect.timeBucket(time, step.bucketMs) }, ...groups];
}

function aggregateColumns(input: Relation, step: AggregateStep): RowColumn[] {
  const columns: RowColumn[] = step.bucketMs === null ? [] : [{ name: BUCKET_COLUMN, type: 'time' }];
  for (const g of step.groupBy) columns.push({ name: g.name, type: input.resolve(g.name, g.span.start).type });
  for (const agg of step.aggregations) {
    const source = agg.field === null ? null : input.resolve(agg.field, agg.span.start).type;
    columns.push({ name: agg.name, type: (agg.fn === 'min' || agg.fn === 'max') && source === 'time' ? 'time' : 'number' });
  }
  return columns;
}

function aggregateExpression(input: Relation, agg: AggregateStep['aggregations'][number], dialect: SqlDialect): Sql {
  if (agg.field === null) return raw('count(*)');
  const field = input.resolve(agg.field, agg.span.start);
  if (agg.fn === 'count') return sql`count(${field.sql})`;
  if (agg.fn === 'count_distinct') return sql`count(DISTINCT ${field.sql})`;
  const number = field.type === 'number' || field.type === 'time' ? field.sql : dialect.asNumber(field.sql);
  return sql`${raw(agg.fn)}(${number})`;
}

/** Aggregated rows come back ordered by bucket, then by the group-by columns. */
function defaultOrder(step: AggregateStep): OrderKey[] {
  const keys = step.groupBy.map((g) => ({ name: g.name, desc: false }));
  return step.bucketMs === null ? keys : [{ name: BUCKET_COLUMN, desc: false }, ...keys];
}
