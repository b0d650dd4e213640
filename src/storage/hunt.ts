/**
 * A hunt query over an event store, the same for `POST /api/v1/search` and `vigil search --data`:
 * compiled for the range against the store's schema, answered at most `limit` rows or events.
 */
import { compileHunt, type CompiledQuery } from '../query/sql/compile.js';
import { DEFAULT_SCHEMA } from '../query/sql/schema.js';
import type { TimeRange } from '../query/time.js';
import type { EventStore, SearchResult } from './ports.js';

export interface HuntRequest {
  query: string;
  range: TimeRange;
  /** "now" for relative times inside the query. */
  now: number;
  /** The most rows or events answered; also caps a larger `| head N`. */
  limit?: number;
}

export function compileHuntRequest(request: HuntRequest): CompiledQuery {
  const { query, range, now, limit } = request;
  return compileHunt(query, { range, now, schema: DEFAULT_SCHEMA, limits: limit === undefined ? undefined : { defaultRows: limit } });
}

/** Runs a query made by compileHuntRequest and applies the request's limit. */
export function searchLimited(store: Pick<EventStore, 'search'>, compiled: CompiledQuery, limit: number | undefined): SearchResult {
  const result = store.search(compiled);
  if (limit !== undefined) {
    if (result.kind === 'events') result.events = result.events.slice(0, limit);
    else result.rows = result.rows.slice(0, limit);
  }
  return result;
}
