import { queryError, QueryErrorCode } from '../errors.js';
import { isValidFieldName } from '../fieldname.js';
import type { FullTextIndex } from './dialect.js';

/** How a mapped column is compared: `time` columns hold epoch milliseconds. */
export type ColumnType = 'text' | 'number' | 'time';

export interface ColumnMapping {
  column: string;
  type: ColumnType;
}

/**
 * Where the compiler finds each field. Mapped fields are real columns; every other field is read from
 * the original-event JSON column. Owned by the storage layer and passed in, never hard-coded here.
 */
export interface SchemaMapping {
  /** The events table. */
  table: string;
  /** Integer primary key of `table`; the full-text index uses it as its rowid. */
  key: string;
  /** Column holding the original event as JSON text (must be valid JSON in every row). */
  json: string;
  /**
   * Column holding the normalized ECS core as JSON with flat dotted keys (`{"process.name": ...}`), and
   * the core fields without a column of their own: those are read there first, so each is searchable by
   * its ECS name whatever the original's layout, then from `json`. Other fields are read from `json` only.
   */
  coreJson?: { column: string; fields: readonly string[] };
  /** Fields stored in their own columns. Must map `@timestamp` to a `time` column. */
  fields: Readonly<Record<string, ColumnMapping>>;
  /** Full-text index for free-text terms; null makes free text a `query.plan` error. */
  fullText: FullTextIndex | null;
}

export const TIME_FIELD = '@timestamp';

/** The column layout the embedded store is expected to adopt. */
export const DEFAULT_SCHEMA: Readonly<SchemaMapping> = Object.freeze({
  table: 'events',
  key: 'id',
  json: 'raw',
  coreJson: Object.freeze({
    column: 'core',
    // The ECS core keys (src/formats/profiles/types.ts ECS_CORE_KEYS) without a column above; a storage test checks the two agree.
    fields: Object.freeze([
      'event.category', 'event.action', 'event.outcome', 'source.port', 'destination.port', 'process.name', 'process.pid',
      'process.executable', 'process.parent.executable', 'file.path', 'url.original', 'http.response.status_code',
      'dns.question.name', 'related.ip', 'log.source.address',
    ]),
  }),
  fields: Object.freeze({
    '@timestamp': { column: 'ts', type: 'time' },
    'event.code': { column: 'event_code', type: 'text' },
    'event.provider': { column: 'event_provider', type: 'text' },
    'event.dataset': { column: 'event_dataset', type: 'text' },
    'host.name': { column: 'host_name', type: 'text' },
    'user.name': { column: 'user_name', type: 'text' },
    'source.ip': { column: 'source_ip', type: 'text' },
    'destination.ip': { column: 'destination_ip', type: 'text' },
    'process.command_line': { column: 'process_command_line', type: 'text' },
    message: { column: 'message', type: 'text' },
  } satisfies Record<string, ColumnMapping>),
  fullText: { table: 'events_fts' },
});

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]{0,63}$/;

/** Rejects mappings whose names could not be quoted safely or that lack a time column. */
export function validateSchema(schema: SchemaMapping): void {
  const names = [schema.table, schema.key, schema.json, ...Object.values(schema.fields).map((f) => f.column)];
  if (schema.coreJson !== undefined) names.push(schema.coreJson.column);
  if (schema.fullText) names.push(schema.fullText.table);
  for (const name of names) {
    if (!IDENTIFIER.test(name)) throw queryError(QueryErrorCode.schema, `schema names a column or table '${name}' that is not a plain identifier`);
  }
  for (const [field, mapping] of Object.entries(schema.fields)) {
    if (!isValidFieldName(field)) throw queryError(QueryErrorCode.schema, `schema maps an invalid field name '${field}'`);
    if (!['text', 'number', 'time'].includes(mapping.type)) {
      throw queryError(QueryErrorCode.schema, `field '${field}' has unknown type '${String(mapping.type)}'`);
    }
  }
  if (schema.fields[TIME_FIELD]?.type !== 'time') {
    throw queryError(QueryErrorCode.schema, `schema must map '${TIME_FIELD}' to a column of type 'time'`);
  }
}
