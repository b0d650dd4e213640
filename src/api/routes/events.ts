/** Stored events: get one by id, and hunt queries over them. */
import { compileHunt } from '../../query/sql/compile.js';
import { DEFAULT_SCHEMA } from '../../query/sql/schema.js';
import { resolveTimeRange } from '../../query/time.js';
import type { EventStore } from '../../storage/ports.js';
import { HttpError, parseJsonObject, pathId, sendJson } from '../http.js';
import type { RouteDef } from '../router.js';

function timeArg(v: unknown, name: string): string | number | undefined {
  if (v === undefined || v === null || typeof v === 'string' || typeof v === 'number') return v ?? undefined;
  throw new HttpError(400, 'api.param', `'${name}' must be a string or epoch milliseconds`);
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
        const { query, from, to } = parseJsonObject(await body());
        if (typeof query !== 'string') throw new HttpError(400, 'api.param', "'query' must be a string");
        const t = now();
        const range = resolveTimeRange({ from: timeArg(from, 'from'), to: timeArg(to, 'to') }, t);
        const compiled = compileHunt(query, { range, now: t, schema: DEFAULT_SCHEMA });
        sendJson(res, 200, { range, ...events.search(compiled) });
      },
    },
  ];
}
