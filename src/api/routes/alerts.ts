/** The alert queue: list with filters and paging, get, change status. */
import { ALERT_STATUSES, type AlertStatus, type AlertStore } from '../../storage/ports.js';
import { HttpError, intParam, parseJsonObject, pathId, sendJson } from '../http.js';
import type { RouteDef } from '../router.js';

function status(value: unknown): AlertStatus {
  if (typeof value !== 'string' || !ALERT_STATUSES.includes(value as AlertStatus)) {
    throw new HttpError(400, 'api.param', `'status' must be one of ${ALERT_STATUSES.join(', ')}`);
  }
  return value as AlertStatus;
}

export function alertRoutes(alerts: AlertStore): RouteDef[] {
  return [
    {
      method: 'GET', path: '/api/v1/alerts', permission: 'alerts:read', summary: 'List alerts (filters: status; paging: limit, offset)',
      handler: ({ res, url }) => {
        const s = url.searchParams.get('status');
        const limit = Math.min(intParam(url.searchParams, 'limit', 50), 500);
        const offset = intParam(url.searchParams, 'offset', 0);
        const { total, alerts: page } = alerts.list({ limit, offset, status: s === null ? undefined : status(s) });
        sendJson(res, 200, { total, limit, offset, alerts: page });
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
    {
      method: 'PATCH', path: '/api/v1/alerts/:id', permission: 'alerts:write', summary: 'Change an alert\'s status',
      handler: async ({ res, params, body }) => {
        const id = pathId(params['id']!);
        const next = status(parseJsonObject(await body())['status']);
        const alert = alerts.updateStatus(id, next);
        if (!alert) throw new HttpError(404, 'api.not_found', 'alert not found');
        sendJson(res, 200, alert);
      },
    },
  ];
}
