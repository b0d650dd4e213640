import type { VigilError } from '../../core/errors.js';
import { esErrorType, type BulkAction, type BulkItem } from './esbulk.js';

/** What happened to one bulk operation, as the ingest layer decided it. */
export interface BulkItemResult {
  action: BulkAction;
  index: string;
  id: string;
  /** HTTP status of the item: 201 created, 200 updated/deleted, 404 not found, 400/409/429 failures. */
  status: number;
  result?: 'created' | 'updated' | 'deleted' | 'not_found' | 'noop';
  version?: number;
  seqNo?: number;
  primaryTerm?: number;
  error?: { type: string; reason: string };
}

/** One entry of `items`: a single key (the action) holding the outcome, exactly as Elasticsearch writes it. */
export type BulkResponseItem = Partial<Record<BulkAction, Record<string, unknown>>>;

export interface BulkResponse {
  took: number;
  errors: boolean;
  items: BulkResponseItem[];
}

/** The success outcome for an item (Elasticsearch's status and result per action). */
export function acceptedResult(item: BulkItem, id: string): BulkItemResult {
  const created = item.action === 'index' || item.action === 'create';
  return {
    action: item.action, index: item.index, id,
    status: created ? 201 : 200,
    result: created ? 'created' : item.action === 'update' ? 'updated' : 'deleted',
  };
}

/**
 * A failed outcome. Common types: `document_parsing_exception` (400), `version_conflict_engine_exception`
 * (409), `es_rejected_execution_exception` (429: Beats, Logstash and Vector retry those).
 */
export function rejectedResult(item: BulkItem, id: string, status: number, type: string, reason: string): BulkItemResult {
  return { action: item.action, index: item.index, id, status, error: { type, reason } };
}

/** The outcome for an item that parseBulk already marked as malformed. */
export function parseErrorResult(item: BulkItem & { error: NonNullable<BulkItem['error']> }, id: string): BulkItemResult {
  return rejectedResult(item, id, item.error.status, item.error.type, item.error.reason);
}

/**
 * Builds the `_bulk` response body. Clients depend on its shape: Filebeat and Logstash read
 * `errors` first and then each item's `status` and `error`, retrying 429s and dropping 4xx;
 * Fluent Bit and rsyslog look for `"errors":true`; Vector counts per-item `status`. Successful items
 * carry `_version`, `result`, `_shards`, `_seq_no` and `_primary_term` like Elasticsearch 8.
 */
export function buildBulkResponse(results: BulkItemResult[], tookMs: number): BulkResponse {
  let errors = false;
  const items = results.map((r, i): BulkResponseItem => {
    let body: Record<string, unknown>;
    if (r.error) {
      errors = true;
      body = {
        _index: r.index, _id: r.id, status: r.status,
        error: { type: r.error.type, reason: r.error.reason, index: r.index },
      };
    } else {
      body = {
        _index: r.index, _id: r.id, _version: r.version ?? 1, result: r.result ?? (r.status === 201 ? 'created' : 'updated'),
        _shards: { total: 1, successful: 1, failed: 0 },
        _seq_no: r.seqNo ?? i, _primary_term: r.primaryTerm ?? 1, status: r.status,
      };
    }
    return { [r.action]: body };
  });
  return { took: Math.max(0, Math.round(tookMs)), errors, items };
}

/** The whole-request error body Elasticsearch sends with HTTP 400, for errors thrown by parseBulk. */
export function bulkErrorResponse(err: VigilError): { error: { root_cause: Array<{ type: string; reason: string }>; type: string; reason: string }; status: number } {
  const type = esErrorType(err);
  return { error: { root_cause: [{ type, reason: err.message }], type, reason: err.message }, status: 400 };
}
