/**
 * Case management routes: cases, tasks, observables and sightings, alert promotion/attachment, comments,
 * timeline, RCA, post-incident review and the Markdown report. Validation errors answer 400 with the field.
 */
import type { CaseService } from '../../cases/service.js';
import { CASE_STATUSES, SEVERITIES, type Actor, type CaseStatus } from '../../cases/types.js';
import { invalid, oneOf, positiveIds } from '../../cases/validate.js';
import { VigilError } from '../../core/errors.js';
import { auditActor } from '../acting.js';
import { HttpError, intParam, parseJsonObject, pathId, sendJson } from '../http.js';
import type { Principal, RequestContext, RouteDef } from '../router.js';

/** Case errors carry the offending field; the answer names it so clients can point at the input. */
function guarded(def: RouteDef): RouteDef {
  return {
    ...def,
    handler: async (ctx) => {
      try {
        await def.handler(ctx);
      } catch (err) {
        if (err instanceof HttpError || !(err instanceof VigilError) || !err.code.startsWith('cases.')) throw err;
        const status = err.code === 'cases.not_found' ? 404 : 400;
        const error: Record<string, string> = { code: err.code, message: err.message };
        if (err.location.field !== undefined) error['field'] = err.location.field;
        sendJson(ctx.res, status, { error });
      }
    },
  };
}

function actor(p: Principal | undefined): Actor {
  if (!p) throw new HttpError(401, 'api.unauthorized', 'a valid bearer token is required');
  return auditActor(p);
}

async function json(ctx: RequestContext): Promise<Record<string, unknown>> {
  return parseJsonObject(await ctx.body());
}

function statuses(text: string): CaseStatus[] {
  return text.split(',').filter(Boolean).map((s) => oneOf(s, 'status', CASE_STATUSES));
}

export function caseRoutes(cases: CaseService): RouteDef[] {
  const id = (ctx: RequestContext): number => pathId(ctx.params['id']!);
  const routes: RouteDef[] = [
    {
      method: 'GET', path: '/api/v1/cases', permission: 'cases:read',
      summary: 'List cases (filters: status (comma list), severity, owner, tag, q; paging: limit, offset)',
      handler: ({ res, url }) => {
        const p = url.searchParams;
        const limit = Math.min(intParam(p, 'limit', 50), 500);
        const offset = intParam(p, 'offset', 0);
        const q = {
          limit, offset,
          status: p.get('status') ? statuses(p.get('status')!) : undefined,
          severity: p.get('severity') ? oneOf(p.get('severity'), 'severity', SEVERITIES) : undefined,
          owner: p.get('owner') ?? undefined,
          tag: p.get('tag') ?? undefined,
          text: p.get('q') ?? undefined,
        };
        sendJson(res, 200, { ...cases.list(q), limit, offset });
      },
    },
    {
      method: 'POST', path: '/api/v1/cases', permission: 'cases:write',
      summary: 'Open a case: fields, optional template, alertIds (promote alerts), observables, tasks',
      handler: async (ctx) => {
        const c = cases.create(actor(ctx.principal), await json(ctx));
        sendJson(ctx.res, 201, cases.detail(c.id));
      },
    },
    {
      method: 'GET', path: '/api/v1/case-templates', permission: 'cases:read', summary: 'Case templates',
      handler: ({ res }) => sendJson(res, 200, { templates: cases.templates().map(({ file: _file, ...t }) => t) }),
    },
    {
      method: 'GET', path: '/api/v1/cases/:id', permission: 'cases:read', summary: 'A case with tasks, observables, alerts and comments',
      handler: (ctx) => sendJson(ctx.res, 200, cases.detail(id(ctx))),
    },
    {
      method: 'PATCH', path: '/api/v1/cases/:id', permission: 'cases:write', summary: 'Change title, description, severity, TLP, PAP, status, owner or tags',
      handler: async (ctx) => sendJson(ctx.res, 200, cases.update(actor(ctx.principal), id(ctx), await json(ctx))),
    },
    {
      method: 'DELETE', path: '/api/v1/cases/:id', permission: 'cases:delete', summary: 'Delete a case and everything in it',
      handler: (ctx) => {
        cases.remove(actor(ctx.principal), id(ctx));
        ctx.res.writeHead(204).end();
      },
    },
    {
      method: 'POST', path: '/api/v1/cases/:id/tasks', permission: 'cases:write', summary: 'Add a task',
      handler: async (ctx) => sendJson(ctx.res, 201, cases.addTask(actor(ctx.principal), id(ctx), await json(ctx))),
    },
    {
      method: 'PATCH', path: '/api/v1/cases/:id/tasks/:taskId', permission: 'cases:write', summary: 'Change a task (title, assignee, due, status)',
      handler: async (ctx) => sendJson(ctx.res, 200, cases.updateTask(actor(ctx.principal), id(ctx), pathId(ctx.params['taskId']!), await json(ctx))),
    },
    {
      method: 'POST', path: '/api/v1/cases/:id/observables', permission: 'cases:write', summary: 'Add observables ({type, value} or {observables: [...]}); duplicates are reported, not added',
      handler: async (ctx) => {
        const added = cases.addObservables(actor(ctx.principal), id(ctx), await json(ctx));
        sendJson(ctx.res, added.some((a) => a.created) ? 201 : 200, { observables: added });
      },
    },
    {
      method: 'GET', path: '/api/v1/cases/:id/similar', permission: 'cases:read', summary: 'Open cases sharing observables with this one',
      handler: (ctx) => sendJson(ctx.res, 200, { cases: cases.similar(id(ctx), Math.min(intParam(ctx.url.searchParams, 'limit', 20), 100)) }),
    },
    {
      method: 'GET', path: '/api/v1/observables/:type/:value', permission: 'cases:read', summary: 'Sightings: the cases holding an observable',
      handler: (ctx) => sendJson(ctx.res, 200, cases.sightings(ctx.params['type']!, ctx.params['value']!)),
    },
    {
      method: 'POST', path: '/api/v1/cases/:id/alerts', permission: 'cases:write', summary: 'Attach alerts ({alertIds}) to a case',
      handler: async (ctx) => {
        const body = await json(ctx);
        if (Object.keys(body).some((k) => k !== 'alertIds')) throw invalid('alertIds', "the body takes only 'alertIds'");
        const linked = cases.attachAlerts(actor(ctx.principal), id(ctx), positiveIds(body['alertIds'], 'alertIds', 500));
        sendJson(ctx.res, 200, { linked, case: cases.detail(id(ctx)) });
      },
    },
    {
      method: 'POST', path: '/api/v1/cases/:id/comments', permission: 'cases:write', summary: 'Add a Markdown comment ({body})',
      handler: async (ctx) => sendJson(ctx.res, 201, cases.addComment(actor(ctx.principal), id(ctx), await json(ctx))),
    },
    {
      method: 'GET', path: '/api/v1/cases/:id/timeline', permission: 'cases:read', summary: 'Alert events and analyst actions in time order',
      handler: (ctx) => sendJson(ctx.res, 200, { timeline: cases.timeline(id(ctx)) }),
    },
    {
      method: 'PUT', path: '/api/v1/cases/:id/rca', permission: 'cases:write', summary: 'Set the root-cause analysis ({rootCause, contributingFactors})',
      handler: async (ctx) => sendJson(ctx.res, 200, cases.setRootCause(actor(ctx.principal), id(ctx), await json(ctx))),
    },
    {
      method: 'PUT', path: '/api/v1/cases/:id/review', permission: 'cases:write',
      summary: 'Set the post-incident review ({whatHappened, impact, wentWell, toImprove, actionItems})',
      handler: async (ctx) => sendJson(ctx.res, 200, cases.setReview(actor(ctx.principal), id(ctx), await json(ctx))),
    },
    {
      method: 'GET', path: '/api/v1/cases/:id/report', permission: 'cases:read', summary: 'The case report as Markdown',
      handler: (ctx) => {
        const caseId = id(ctx);
        const text = cases.report(caseId);
        ctx.res.writeHead(200, {
          'content-type': 'text/markdown; charset=utf-8',
          'content-length': Buffer.byteLength(text),
          'content-disposition': `inline; filename="case-${caseId}.md"`,
          'cache-control': 'no-store',
          'x-content-type-options': 'nosniff',
          'content-security-policy': "default-src 'none'; sandbox",
        });
        ctx.res.end(text);
      },
    },
  ];
  return routes.map(guarded);
}
