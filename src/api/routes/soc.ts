/** `GET /api/v1/metrics/soc`: MTTD, MTTA, MTTR, SLA breaches, precision per rule and alert volume. */
import type { SocGroupBy } from '../../storage/ports.js';
import { SOC_GROUP_BY, type SocMetrics } from '../../triage/soc.js';
import { HttpError, sendJson } from '../http.js';
import type { RouteDef } from '../router.js';
import { timeParam, triageHttp } from './alerts.js';

export function socRoutes(soc: SocMetrics): RouteDef[] {
  return [{
    method: 'GET', path: '/api/v1/metrics/soc', permission: 'metrics:read',
    summary: 'SOC metrics over alerts created in [from, to) (default: the last 30 days): MTTD, MTTA, MTTR, SLA per severity, precision per rule, volume per day; by=rule|severity|analyst',
    handler: ({ res, url }) => {
      const by = url.searchParams.get('by');
      if (by !== null && by !== '' && !SOC_GROUP_BY.includes(by as SocGroupBy)) {
        throw new HttpError(400, 'api.param', `'by' must be one of ${SOC_GROUP_BY.join(', ')}`);
      }
      const from = timeParam(url.searchParams, 'from');
      const to = timeParam(url.searchParams, 'to');
      const report = triageHttp(() => soc.report({
        ...(from === undefined ? {} : { from }), ...(to === undefined ? {} : { to }), ...(by ? { by: by as SocGroupBy } : {}),
      }));
      sendJson(res, 200, report);
    },
  }];
}
