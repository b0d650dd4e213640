/** The audit log (permission audit:read): filtered, paged reads and a chain check. */
import type { AuditLog } from '../../audit/log.js';
import { HttpError, intParam, sendJson } from '../http.js';
import type { RouteDef } from '../router.js';

function text(params: URLSearchParams, name: string): string | undefined {
  const v = params.get(name);
  if (v === null || v === '') return undefined;
  if (v.length > 200) throw new HttpError(400, 'api.param', `'${name}' is longer than 200 characters`);
  return v;
}

function time(params: URLSearchParams, name: string): number | undefined {
  const v = params.get(name);
  if (v === null || v === '') return undefined;
  const n = /^\d{1,15}$/.test(v) ? Number(v) : Date.parse(v);
  if (!Number.isFinite(n)) throw new HttpError(400, 'api.param', `'${name}' must be epoch milliseconds or an ISO 8601 time`);
  return n;
}

export function auditRoutes(audit: AuditLog): RouteDef[] {
  return [
    {
      method: 'GET', path: '/api/v1/audit', permission: 'audit:read',
      summary: 'Audit records, newest first (filters: actor, action, targetType, targetId, from, to; paging: limit, offset)',
      handler: ({ res, url }) => {
        const q = url.searchParams;
        const limit = Math.min(intParam(q, 'limit', 50), 500);
        const offset = intParam(q, 'offset', 0);
        const page = audit.list({
          actor: text(q, 'actor'), action: text(q, 'action'), targetType: text(q, 'targetType'), targetId: text(q, 'targetId'),
          from: time(q, 'from'), to: time(q, 'to'), limit, offset,
        });
        sendJson(res, 200, { total: page.total, limit, offset, records: page.records });
      },
    },
    {
      method: 'GET', path: '/api/v1/audit/verify', permission: 'audit:read', summary: 'Recompute the audit hash chain',
      handler: ({ res }) => sendJson(res, 200, audit.verify()),
    },
  ];
}
