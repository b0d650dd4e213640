/** Rule exceptions (stored apart from the rule files, so they survive rule updates) and their backtest. */
import type { TuningService } from '../../tuning/service.js';
import { auditActor } from '../acting.js';
import { parseJsonObject, pathId, sendJson } from '../http.js';
import type { RouteDef } from '../router.js';
import { CONDITION, EXCEPTION, EXCEPTION_INPUT, tuningHttp } from './tuning-http.js';

const RULE = { id: { type: 'string', description: 'rule id (as alerts show it)' } };
const RULE_AND_EXCEPTION = { ...RULE, exceptionId: { type: 'integer' } };

export function exceptionRoutes(service: TuningService): RouteDef[] {
  return [
    {
      method: 'GET', path: '/api/v1/exceptions', permission: 'tuning:read', summary: 'List rule exceptions of every rule with their hit counts (?all=true includes deleted ones)',
      schema: { query: { all: { type: 'boolean' } }, response: { type: 'object', properties: { exceptions: { type: 'array', items: EXCEPTION } } } },
      handler: ({ res, url }) => sendJson(res, 200, { exceptions: service.listExceptions(undefined, url.searchParams.get('all') === 'true') }),
    },
    {
      method: 'GET', path: '/api/v1/rules/:id/exceptions', permission: 'tuning:read', summary: 'List one rule\'s exceptions',
      schema: { params: RULE, query: { all: { type: 'boolean' } }, response: { type: 'object', properties: { exceptions: { type: 'array', items: EXCEPTION } } } },
      handler: ({ res, url, params }) => sendJson(res, 200, { exceptions: service.listExceptions(params['id']!, url.searchParams.get('all') === 'true') }),
    },
    {
      method: 'POST', path: '/api/v1/rules/:id/exceptions', permission: 'tuning:write', summary: 'Add an exception to a rule (field conditions, all must hold)',
      schema: { params: RULE, body: EXCEPTION_INPUT, response: EXCEPTION, status: 201 },
      handler: async (ctx) => {
        const input = parseJsonObject(await ctx.body());
        sendJson(ctx.res, 201, tuningHttp(() => service.createException(auditActor(ctx.principal!), ctx.params['id']!, input)));
      },
    },
    {
      method: 'POST', path: '/api/v1/rules/:id/exceptions/backtest', permission: 'tuning:read',
      summary: 'How many of the rule\'s alerts of the last 30 days a candidate exception would have hidden (and which, bounded)',
      schema: {
        params: RULE,
        body: { type: 'object', properties: { conditions: { type: 'array', items: CONDITION, minItems: 1, maxItems: 20 } }, required: ['conditions'] },
        response: {
          type: 'object',
          properties: {
            ruleId: { type: 'string' }, from: { type: 'integer' }, to: { type: 'integer' }, alertsScanned: { type: 'integer' }, alertsHidden: { type: 'integer' },
            occurrencesHidden: { type: 'integer' }, alertsPartial: { type: 'integer' }, eventsChecked: { type: 'integer' }, eventsMatched: { type: 'integer' },
            eventsMissing: { type: 'integer' }, hidden: { type: 'array', items: { type: 'integer' } }, truncated: { type: 'boolean' },
          },
        },
      },
      handler: async (ctx) => {
        const input = parseJsonObject(await ctx.body());
        sendJson(ctx.res, 200, service.backtest(ctx.params['id']!, input));
      },
    },
    {
      method: 'GET', path: '/api/v1/rules/:id/exceptions/:exceptionId', permission: 'tuning:read', summary: 'Get one rule exception',
      schema: { params: RULE_AND_EXCEPTION, response: EXCEPTION },
      handler: ({ res, params }) => sendJson(res, 200, tuningHttp(() => service.getException(pathId(params['exceptionId']!), params['id']!))),
    },
    {
      method: 'PATCH', path: '/api/v1/rules/:id/exceptions/:exceptionId', permission: 'tuning:write', summary: 'Change a rule exception',
      schema: { params: RULE_AND_EXCEPTION, body: { ...EXCEPTION_INPUT, required: [] }, response: EXCEPTION },
      handler: async (ctx) => {
        const id = pathId(ctx.params['exceptionId']!);
        const input = parseJsonObject(await ctx.body());
        sendJson(ctx.res, 200, tuningHttp(() => service.updateException(auditActor(ctx.principal!), ctx.params['id']!, id, input)));
      },
    },
    {
      method: 'DELETE', path: '/api/v1/rules/:id/exceptions/:exceptionId', permission: 'tuning:write', summary: 'Remove a rule exception (kept with ?all=true, with its held alerts)',
      schema: { params: RULE_AND_EXCEPTION, response: EXCEPTION },
      handler: (ctx) => {
        const id = pathId(ctx.params['exceptionId']!);
        sendJson(ctx.res, 200, tuningHttp(() => service.deleteException(auditActor(ctx.principal!), ctx.params['id']!, id)));
      },
    },
  ];
}
