/**
 * Stored events: get one by id, and hunt queries over them. A query error answers 400 with its column
 * and offending token (`{"error":{"code","message","column","token"}}`).
 */
import { VigilError } from '../../core/errors.js';
import { DEFAULT_LIMITS } from '../../query/limits.js';
import { parseTime, resolveTimeRange, type TimeRange } from '../../query/time.js';
import { compileHuntRequest, searchLimited } from '../../storage/hunt.js';
import type { EventStore } from '../../storage/ports.js';
import { HttpError, parseJsonObject, pathId, sendJson } from '../http.js';
import type { RouteDef } from '../router.js';

/** How long a search waits for the background full-text indexer before indexing the rest itself. */
const SEARCH_INDEX_WAIT_MS = 5_000;

function timeArg(v: unknown, name: string): string | number | undefined {
  if (v === undefined || v === null || typeof v === 'string' || typeof v === 'number') return v ?? undefined;
  throw new HttpError(400, 'api.param', `'${name}' must be a string or epoch milliseconds`);
}

/** The search window; a bad bound is a 400 that names the parameter (`field`: from or to). */
export function requestRange(from: unknown, to: unknown, now: number): TimeRange {
  const input = { from: timeArg(from, 'from'), to: timeArg(to, 'to') };
  for (const name of ['from', 'to'] as const) {
    const v = input[name];
    if (v === undefined) continue;
    try {
      parseTime(v, now);
    } catch (err) {
      if (err instanceof VigilError) err.location.field = name;
      throw err;
    }
  }
  return resolveTimeRange(input, now);
}

/** Optional `limit` (1..maxRows): the most rows or events answered. */
function limitArg(v: unknown): number | undefined {
  if (v === undefined || v === null) return undefined;
  if (typeof v === 'number' && Number.isInteger(v) && v >= 1 && v <= DEFAULT_LIMITS.maxRows) return v;
  throw new HttpError(400, 'api.param', `'limit' must be an integer from 1 to ${DEFAULT_LIMITS.maxRows}`);
}

export function eventRoutes(events: EventStore, now: () => number = Date.now): RouteDef[] {
  return [
    {
      method: 'GET', path: '/api/v1/events/:id', permission: 'events:read', summary: 'Get one stored event',
      handler: ({ res, params }) => {
        const event = events.getEvent(pathId(params['id']!));
        if (!event) throw new HttpError(404, 'api.not_found', 'event not found');
        sendJson(res, 200, event);
      },
    },
    {
      method: 'POST', path: '/api/v1/search', permission: 'search', summary: 'Run a hunt query over a time range',
      handler: async ({ res, body }) => {
        const { query, from, to, limit: rawLimit } = parseJsonObject(await body());
        if (typeof query !== 'string') throw new HttpError(400, 'api.param', "'query' must be a string");
        const limit = limitArg(rawLimit);
        const t = now();
        const range = requestRange(from, to, t);
        const compiled = compileHuntRequest({ query, range, now: t, ...(limit !== undefined && { limit }) });
        await events.whenIndexed?.(SEARCH_INDEX_WAIT_MS, compiled);
        sendJson(res, 200, { range, ...searchLimited(events, compiled, limit) });
      },
    },
  ];
}
