import { excerpt, queryError, QueryErrorCode } from '../errors.js';
import { FIELD_NAME_RULE, isValidFieldName } from '../fieldname.js';
import type { SqlDialect } from './dialect.js';
import { join, raw, sql, type Sql } from './fragment.js';
import { TIME_FIELD, type ColumnType, type SchemaMapping } from './schema.js';

/** `dynamic`: a JSON value or computed column whose SQL type is only known per row. */
export type ValueType = ColumnType | 'dynamic';

export interface ResolvedField {
  sql: Sql;
  type: ValueType;
}

export interface OrderKey {
  name: string;
  desc: boolean;
}

/** What a query layer reads FROM: the events table (any field) or a subquery with named columns. */
export interface Relation {
  readonly kind: 'events' | 'rows';
  resolve(name: string, offset?: number): ResolvedField;
  /** The event key, for the full-text join; null for rows. */
  key(): Sql | null;
  /** ORDER BY for `keys`, completed with the default order so results are deterministic. */
  orderBy(keys: readonly OrderKey[]): Sql;
  /** The same relation read through another alias (after wrapping it in a subquery). */
  rebase(qualifier: string): Relation;
}

/** Events: mapped fields are columns, everything else is looked up in the core JSON, then the original event's. */
export function eventsRelation(schema: SchemaMapping, dialect: SqlDialect, qualifier: string, used?: Set<string>): Relation {
  const q = dialect.quoteIdentifier(qualifier);
  const column = (name: string): Sql => {
    used?.add(name);
    return raw(`${q}.${dialect.quoteIdentifier(name)}`);
  };
  const resolve = (name: string, offset?: number): ResolvedField => {
    const mapped = Object.prototype.hasOwnProperty.call(schema.fields, name) ? schema.fields[name] : undefined;
    if (mapped) return { sql: column(mapped.column), type: mapped.type };
    if (!isValidFieldName(name)) {
      throw queryError(QueryErrorCode.plan, `invalid field name '${excerpt(name)}': ${FIELD_NAME_RULE}`, offset);
    }
    // Flat dotted keys first (`{"host.name": ...}`), then the nested path, the order core getPath() uses.
    const segments = name.split('.');
    const paths = segments.length > 1 ? [[name], segments] : [segments];
    const original = dialect.jsonLookup(column(schema.json), paths);
    if (schema.coreJson === undefined || !schema.coreJson.fields.includes(name)) return { sql: original, type: 'dynamic' };
    return { sql: sql`coalesce(${dialect.jsonLookup(column(schema.coreJson.column), [[name]])}, ${original})`, type: 'dynamic' };
  };
  const keyColumn = column(schema.key);
  return {
    kind: 'events',
    resolve,
    key: () => keyColumn,
    orderBy(keys) {
      // Newest first unless told otherwise, then the key, so equal timestamps keep a stable order.
      const all = withDefaults(keys, [{ name: TIME_FIELD, desc: true }]);
      const terms = all.map((k) => direction(resolve(k.name).sql, k.desc));
      terms.push(direction(keyColumn, all.find((k) => k.name === TIME_FIELD)!.desc));
      return join(terms, ', ');
    },
    rebase: (qualifier2) => eventsRelation(schema, dialect, qualifier2, used),
  };
}

export interface RowColumn {
  name: string;
  type: ValueType;
}

/** The output of an aggregation (or a subquery of it): only its named columns exist. */
export function rowsRelation(
  columns: readonly RowColumn[],
  defaultOrder: readonly OrderKey[],
  dialect: SqlDialect,
  qualifier: string,
): Relation {
  const q = dialect.quoteIdentifier(qualifier);
  const resolve = (name: string, offset?: number): ResolvedField => {
    const found = columns.find((c) => c.name === name);
    if (!found) {
      const available = columns.map((c) => c.name).join(', ');
      throw queryError(QueryErrorCode.plan, `'${excerpt(name)}' is not a column (available: ${available})`, offset);
    }
    return { sql: raw(`${q}.${dialect.quoteIdentifier(name)}`), type: found.type };
  };
  return {
    kind: 'rows',
    resolve,
    key: () => null,
    orderBy(keys) {
      // Ties broken by every remaining column, in default order first, so equal counts list stably.
      const rest = columns.map((c) => ({ name: c.name, desc: false }));
      const all = withDefaults(withDefaults(keys, defaultOrder), rest);
      return join(all.map((k) => direction(resolve(k.name).sql, k.desc)), ', ');
    },
    rebase: (qualifier2) => rowsRelation(columns, defaultOrder, dialect, qualifier2),
  };
}

function withDefaults(keys: readonly OrderKey[], defaults: readonly OrderKey[]): OrderKey[] {
  const out = [...keys];
  for (const d of defaults) if (!out.some((k) => k.name === d.name)) out.push(d);
  return out;
}

function direction(expr: Sql, desc: boolean): Sql {
  return desc ? sql`${expr} DESC` : sql`${expr} ASC`;
}
