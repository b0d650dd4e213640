/** The alert queue: list with filters and paging, grouped view, get, and triage changes (one or bulk). */
import type { AlertFilter, AlertGroupBy, AlertStore } from '../../storage/ports.js';
import { parseStatus } from '../../triage/input.js';
import { TriageError } from '../../triage/errors.js';
import type { TriageActor, TriageService } from '../../triage/service.js';
import { actingOf } from '../acting.js';
import { HttpError, intParam, parseJsonObject, pathId, sendJson } from '../http.js';
import type { RequestContext, RouteDef } from '../router.js';

const MAX_TEXT_PARAM = 200;
const GROUP_BY: readonly AlertGroupBy[] = ['rule', 'host', 'user'];
const MAX_WINDOW_MS = 366 * 86_400_000;

const STATUS_CODE = { invalid: 400, not_found: 404, conflict: 409 } as const;

/** Runs a triage call, turning a TriageError into the matching HttpError (with the field when known). */
export function triageHttp<T>(fn: () => T): T {
  try {
    return fn();
  } catch (err) {
    if (err instanceof TriageError) throw new HttpError(STATUS_CODE[err.kind], err.code, err.message);
    throw err;
  }
}

function text(params: URLSearchParams, name: string): string | undefined {
  const v = params.get(name);
  if (v === null || v === '') return undefined;
  if (v.length > MAX_TEXT_PARAM) throw new HttpError(400, 'api.param', `'${name}' must be at most ${MAX_TEXT_PARAM} characters`);
  return v;
}

/** Epoch ms or an ISO 8601 date-time. */
export function timeParam(params: URLSearchParams, name: string): number | undefined {
  const v = text(params, name);
  if (v === undefined) return undefined;
  const ms = /^\d{1,15}$/.test(v) ? Number(v) : Date.parse(v);
  if (!Number.isFinite(ms) || !/^\d{1,15}$|^\d{4}-\d{2}-\d{2}/.test(v)) {
    throw new HttpError(400, 'api.param', `'${name}' must be epoch milliseconds or an ISO 8601 date-time, got '${v}'`);
  }
  return ms;
}

/** 30s, 10m, 1h, 7d. */
function windowParam(params: URLSearchParams): number {
  const v = params.get('window') ?? '1h';
  const m = /^(\d{1,9})(s|m|h|d)$/.exec(v);
  const ms = m ? Number(m[1]) * { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 }[m[2] as 's' | 'm' | 'h' | 'd'] : NaN;
  if (!(ms >= 1000 && ms <= MAX_WINDOW_MS)) throw new HttpError(400, 'api.param', `'window' must be a duration from 1s to 366d such as 30m, 1h or 1d, got '${v}'`);
  return ms;
}

function filterOf(params: URLSearchParams): AlertFilter {
  const f: AlertFilter = {};
  const status = text(params, 'status');
  if (status !== undefined) {
    try {
      f.status = [...new Set(status.split(',').map((s) => parseStatus(s.trim())))];
    } catch (err) {
      if (err instanceof TriageError) throw new HttpError(400, 'api.param', `'status': ${err.message.replace(/^status: /, '')}`);
      throw err;
    }
  }
  const level = text(params, 'level');
  if (level !== undefined) f.level = level;
  const rule = text(params, 'rule');
  if (rule !== undefined) f.ruleId = rule;
  const host = text(params, 'host');
  if (host !== undefined) f.host = host;
  const user = text(params, 'user');
  if (user !== undefined) f.user = user;
  if (params.has('assignee')) {
    const a = params.get('assignee')!;
    f.assignee = a === '' || a === 'none' ? null : a;
  }
  const from = timeParam(params, 'from');
  if (from !== undefined) f.from = from;
  const to = timeParam(params, 'to');
  if (to !== undefined) f.to = to;
  const q = text(params, 'q');
  if (q !== undefined) f.q = q;
  return f;
}

function by(ctx: RequestContext): TriageActor {
  const acting = actingOf(ctx);
  return acting.ip === undefined ? { actor: acting.actor } : { actor: acting.actor, ip: acting.ip };
}

export function alertRoutes(alerts: AlertStore, triage?: TriageService): RouteDef[] {
  const routes: RouteDef[] = [
    {
      method: 'GET', path: '/api/v1/alerts', permission: 'alerts:read',
      summary: 'List alerts (filters: status (comma list), level, rule, host, user, assignee (none = unassigned), from, to, q; paging: limit, offset)',
      handler: ({ res, url }) => {
        const limit = Math.min(intParam(url.searchParams, 'limit', 50), 500);
        const offset = intParam(url.searchParams, 'offset', 0);
        const { total, alerts: page } = alerts.list({ ...filterOf(url.searchParams), limit, offset });
        sendJson(res, 200, { total, limit, offset, alerts: page });
      },
    },
    {
      method: 'GET', path: '/api/v1/alerts/groups', permission: 'alerts:read',
      summary: 'Alerts grouped by rule, host or user within a time window (by, window such as 1h; the list filters; limit)',
      handler: ({ res, url }) => {
        const groupBy = url.searchParams.get('by') ?? 'rule';
        if (!GROUP_BY.includes(groupBy as AlertGroupBy)) throw new HttpError(400, 'api.param', `'by' must be one of ${GROUP_BY.join(', ')}`);
        const windowMs = windowParam(url.searchParams);
        const limit = Math.min(intParam(url.searchParams, 'limit', 100), 1000);
        const { total, groups } = alerts.groups({ ...filterOf(url.searchParams), by: groupBy as AlertGroupBy, windowMs, limit });
        sendJson(res, 200, { by: groupBy, windowMs, total, groups });
      },
    },
    {
      method: 'GET', path: '/api/v1/alerts/:id', permission: 'alerts:read', summary: 'Get one alert',
      handler: ({ res, params }) => {
        const alert = alerts.get(pathId(params['id']!));
        if (!alert) throw new HttpError(404, 'api.not_found', 'alert not found');
        sendJson(res, 200, alert);
      },
    },
  ];
  if (!triage) return routes;
  return [
    ...routes.slice(0, 2),
    {
      method: 'POST', path: '/api/v1/alerts/bulk', permission: 'alerts:write',
      summary: `Change up to 500 alerts at once, all or none ({ids, change: {status, assignee, disposition, reason}})`,
      handler: async (ctx) => {
        const body = parseJsonObject(await ctx.body());
        const changed = triageHttp(() => triage.bulk(by(ctx), body));
        sendJson(ctx.res, 200, { changed: changed.length, alerts: changed });
      },
    },
    routes[2]!,
    {
      method: 'PATCH', path: '/api/v1/alerts/:id', permission: 'alerts:write',
      summary: "Triage an alert: status (new -> acknowledged -> in-progress -> closed; closed -> acknowledged reopens), assignee (user name or null), disposition and reason when closing",
      handler: async (ctx) => {
        const id = pathId(ctx.params['id']!);
        const body = parseJsonObject(await ctx.body());
        sendJson(ctx.res, 200, triageHttp(() => triage.change(by(ctx), id, body)));
      },
    },
  ];
}
