/** Suppression windows (CRUD, audited) and the alerts they and rule exceptions held back. */
import type { TuningService } from '../../tuning/service.js';
import type { TuningStore } from '../../storage/ports.js';
import { auditActor } from '../acting.js';
import { HttpError, intParam, parseJsonObject, pathId, sendJson } from '../http.js';
import type { RouteDef } from '../router.js';
import { HELD_ALERT, PAGING, SUPPRESSION, SUPPRESSION_INPUT, tuningHttp } from './tuning-http.js';

export function suppressionRoutes(service: TuningService, store: Pick<TuningStore, 'listHeld'>): RouteDef[] {
  return [
    {
      method: 'GET', path: '/api/v1/suppressions', permission: 'tuning:read', summary: 'List suppressions with their hit counts (?all=true includes deleted ones)',
      schema: { query: { all: { type: 'boolean' } }, response: { type: 'object', properties: { suppressions: { type: 'array', items: SUPPRESSION } } } },
      handler: ({ res, url }) => sendJson(res, 200, { suppressions: service.listSuppressions(url.searchParams.get('all') === 'true') }),
    },
    {
      method: 'POST', path: '/api/v1/suppressions', permission: 'tuning:write', summary: 'Create a suppression window (by rule, host, user and/or hunt query)',
      schema: { body: SUPPRESSION_INPUT, response: SUPPRESSION, status: 201 },
      handler: async (ctx) => {
        const input = parseJsonObject(await ctx.body());
        sendJson(ctx.res, 201, tuningHttp(() => service.createSuppression(auditActor(ctx.principal!), input)));
      },
    },
    {
      method: 'GET', path: '/api/v1/suppressions/:id', permission: 'tuning:read', summary: 'Get one suppression',
      schema: { params: { id: { type: 'integer' } }, response: SUPPRESSION },
      handler: ({ res, params }) => sendJson(res, 200, tuningHttp(() => service.getSuppression(pathId(params['id']!)))),
    },
    {
      method: 'PATCH', path: '/api/v1/suppressions/:id', permission: 'tuning:write', summary: 'Change a suppression (null clears a criterion)',
      schema: { params: { id: { type: 'integer' } }, body: { ...SUPPRESSION_INPUT, required: [] }, response: SUPPRESSION },
      handler: async (ctx) => {
        const id = pathId(ctx.params['id']!);
        const input = parseJsonObject(await ctx.body());
        sendJson(ctx.res, 200, tuningHttp(() => service.updateSuppression(auditActor(ctx.principal!), id, input)));
      },
    },
    {
      method: 'DELETE', path: '/api/v1/suppressions/:id', permission: 'tuning:write', summary: 'End a suppression (it stays listed with ?all=true, with its held alerts)',
      schema: { params: { id: { type: 'integer' } }, response: SUPPRESSION },
      handler: (ctx) => {
        const id = pathId(ctx.params['id']!);
        sendJson(ctx.res, 200, tuningHttp(() => service.deleteSuppression(auditActor(ctx.principal!), id)));
      },
    },
    {
      method: 'GET', path: '/api/v1/suppressed-alerts', permission: 'alerts:read',
      summary: 'Matches held back by suppressions and rule exceptions (filters: by, suppression, exception, rule; paging)',
      schema: {
        query: {
          by: { enum: ['suppression', 'exception'] }, suppression: { type: 'integer' }, exception: { type: 'integer' }, rule: { type: 'string' }, ...PAGING,
        },
        response: { type: 'object', properties: { total: { type: 'integer' }, limit: { type: 'integer' }, offset: { type: 'integer' }, alerts: { type: 'array', items: HELD_ALERT } } },
      },
      handler: ({ res, url }) => {
        const p = url.searchParams;
        const by = p.get('by');
        if (by !== null && by !== 'suppression' && by !== 'exception') throw new HttpError(400, 'api.param', "'by' must be suppression or exception");
        const suppression = p.get('suppression');
        const exception = p.get('exception');
        if (suppression !== null && exception !== null) throw new HttpError(400, 'api.param', "give 'suppression' or 'exception', not both");
        const ref = suppression ?? exception;
        const limit = Math.min(intParam(p, 'limit', 50), 500);
        const offset = intParam(p, 'offset', 0);
        const query = {
          by: suppression !== null ? 'suppression' as const : exception !== null ? 'exception' as const : by ?? undefined,
          refId: ref === null ? undefined : refId(ref),
          ruleId: p.get('rule') ?? undefined,
          limit, offset,
        };
        const { total, alerts } = store.listHeld(query);
        sendJson(res, 200, { total, limit, offset, alerts });
      },
    },
  ];
}

function refId(text: string): number {
  if (!/^[1-9]\d{0,15}$/.test(text)) throw new HttpError(400, 'api.param', 'the suppression or exception id must be a positive integer');
  return Number(text);
}
