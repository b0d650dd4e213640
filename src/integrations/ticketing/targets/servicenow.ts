/**
 * ServiceNow Table API: create `POST /api/now/table/incident`, update
 * `PATCH /api/now/table/incident/{sys_id}`. The incident carries `correlation_id` = vigil-case-<id>.
 */
import { DeliveryError, replyJson } from '../http.js';
import type { CaseChangeEvent, TicketCase } from '../types.js';
import { authorization, joinUrl, USER_AGENT, type AuthConfig, type Connector, type DeliveryContext } from './connector.js';

export interface ServiceNowTarget {
  kind: 'servicenow';
  name: string;
  url: string;
  auth: AuthConfig;
  /** Case severity -> urgency and impact (1 high, 2 medium, 3 low). */
  urgency: Record<string, number>;
  impact: Record<string, number>;
  /** Case status -> incident state (1 New, 2 In Progress, 3 On Hold, 6 Resolved, 7 Closed). */
  states: Record<string, number>;
}

export const SN_DEFAULT_URGENCY: Record<string, number> = { critical: 1, high: 1, medium: 2, low: 3 };
export const SN_DEFAULT_IMPACT: Record<string, number> = { critical: 1, high: 2, medium: 2, low: 3 };
export const SN_DEFAULT_STATES: Record<string, number> = { open: 1, 'in-progress': 2, contained: 2, resolved: 6, closed: 7 };

const SHORT_MAX = 160;

export function incidentFields(target: ServiceNowTarget, c: TicketCase): Record<string, unknown> {
  const short = `[Vigil #${c.id}] ${c.title}`.replace(/[\r\n]+/g, ' ');
  const lines = [c.description, '', `Severity: ${c.severity} | TLP: ${c.tlp.toUpperCase()} | Owner: ${c.owner ?? 'unassigned'}`];
  if (c.tags.length) lines.push(`Tags: ${c.tags.join(', ')}`);
  if (c.url) lines.push(`Case: ${c.url}`);
  const fields: Record<string, unknown> = {
    short_description: short.length > SHORT_MAX ? `${short.slice(0, SHORT_MAX - 3)}...` : short,
    description: lines.join('\n'),
    correlation_id: `vigil-case-${c.id}`,
  };
  const urgency = target.urgency[c.severity];
  const impact = target.impact[c.severity];
  const state = target.states[c.status];
  if (urgency !== undefined) fields['urgency'] = String(urgency);
  if (impact !== undefined) fields['impact'] = String(impact);
  if (state !== undefined) fields['state'] = String(state);
  return fields;
}

export class ServiceNowConnector implements Connector {
  readonly kind = 'servicenow';
  readonly name: string;

  constructor(private readonly target: ServiceNowTarget) {
    this.name = target.name;
  }

  async deliver(event: CaseChangeEvent, ctx: DeliveryContext): Promise<{ detail?: string }> {
    const headers = { 'content-type': 'application/json', accept: 'application/json', 'user-agent': USER_AGENT, authorization: authorization(this.target.auth) };
    const body = JSON.stringify(incidentFields(this.target, event.case));
    const ref = ctx.ref;
    if (ref) {
      await ctx.request({ method: 'PATCH', url: joinUrl(this.target.url, `/api/now/table/incident/${encodeURIComponent(ref.ticketKey)}`), headers, body });
      ctx.saveRef(ref.ticketKey, ref.alias, event.case.status);
      return { detail: `updated ${ref.alias ?? ref.ticketKey}` };
    }
    const reply = await ctx.request({ method: 'POST', url: joinUrl(this.target.url, '/api/now/table/incident'), headers, body });
    const result = replyJson(reply, 'servicenow create')['result'] as Record<string, unknown> | undefined;
    const sysId = result?.['sys_id'];
    if (typeof sysId !== 'string' || !sysId) {
      throw new DeliveryError('POST /api/now/table/incident: the answer has no result.sys_id', false, reply.status);
    }
    const number = typeof result?.['number'] === 'string' ? result['number'] : null;
    ctx.saveRef(sysId, number, event.case.status);
    return { detail: `created ${number ?? sysId}` };
  }
}
