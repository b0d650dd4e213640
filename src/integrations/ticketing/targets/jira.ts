/**
 * Jira (REST API v2): create `POST /rest/api/2/issue`, update `PUT /rest/api/2/issue/{key}`, and move
 * the status through a workflow transition (`GET` then `POST /rest/api/2/issue/{key}/transitions`),
 * since Jira has no "set status" call.
 */
import { DeliveryError, replyJson } from '../http.js';
import type { CaseChangeEvent, TicketCase } from '../types.js';
import { authorization, joinUrl, USER_AGENT, type AuthConfig, type Connector, type DeliveryContext } from './connector.js';

export interface JiraTarget {
  kind: 'jira';
  name: string;
  url: string;
  project: string;
  issueType: string;
  auth: AuthConfig;
  /** Case severity -> Jira priority name. */
  priorities: Record<string, string>;
  /** Case status -> name of the Jira status (or transition, or transition id) to move to. */
  transitions: Record<string, string>;
}

export const JIRA_DEFAULT_PRIORITIES: Record<string, string> = { critical: 'Highest', high: 'High', medium: 'Medium', low: 'Low' };
export const JIRA_DEFAULT_TRANSITIONS: Record<string, string> = { 'in-progress': 'In Progress', resolved: 'Done', closed: 'Done' };

const SUMMARY_MAX = 255;

/** Jira labels cannot hold spaces. */
function label(tag: string): string {
  return tag.trim().replace(/\s+/g, '_').slice(0, 255);
}

export function jiraFields(target: JiraTarget, c: TicketCase): Record<string, unknown> {
  const summary = `[Vigil #${c.id}] ${c.title}`.replace(/[\r\n]+/g, ' ');
  const lines = [c.description, '', `Severity: ${c.severity} | TLP: ${c.tlp.toUpperCase()} | Owner: ${c.owner ?? 'unassigned'} | Status: ${c.status}`];
  if (c.url) lines.push(`Case: ${c.url}`);
  const fields: Record<string, unknown> = {
    summary: summary.length > SUMMARY_MAX ? `${summary.slice(0, SUMMARY_MAX - 3)}...` : summary,
    description: lines.join('\n'),
    labels: [...new Set(['vigil', ...c.tags.map(label).filter((l) => l.length > 0)])],
  };
  const priority = target.priorities[c.severity];
  if (priority) fields['priority'] = { name: priority };
  return fields;
}

interface Transition { id: string; name?: string; to?: { name?: string } }

export class JiraConnector implements Connector {
  readonly kind = 'jira';
  readonly name: string;

  constructor(private readonly target: JiraTarget) {
    this.name = target.name;
  }

  private headers(): Record<string, string> {
    return { 'content-type': 'application/json', accept: 'application/json', 'user-agent': USER_AGENT, authorization: authorization(this.target.auth) };
  }

  private url(path: string): string {
    return joinUrl(this.target.url, path);
  }

  async deliver(event: CaseChangeEvent, ctx: DeliveryContext): Promise<{ detail?: string }> {
    const c = event.case;
    const fields = jiraFields(this.target, c);
    let key = ctx.ref?.ticketKey;
    let synced = ctx.ref?.syncedStatus ?? null;
    const notes: string[] = [];
    if (key === undefined) {
      const created = replyJson(await ctx.request({
        method: 'POST', url: this.url('/rest/api/2/issue'), headers: this.headers(),
        body: JSON.stringify({ fields: { project: { key: this.target.project }, issuetype: { name: this.target.issueType }, ...fields } }),
      }), 'jira create');
      if (typeof created['key'] !== 'string' || !created['key']) {
        throw new DeliveryError('POST /rest/api/2/issue: the answer has no issue key', false, 201);
      }
      key = created['key'];
      synced = 'open';
      ctx.saveRef(key, typeof created['id'] === 'string' ? created['id'] : null, synced);
      notes.push(`created ${key}`);
    } else {
      await ctx.request({
        method: 'PUT', url: this.url(`/rest/api/2/issue/${encodeURIComponent(key)}`), headers: this.headers(), body: JSON.stringify({ fields }),
      });
      notes.push(`updated ${key}`);
    }
    const wanted = this.target.transitions[c.status];
    if (wanted !== undefined && synced !== c.status) {
      notes.push(await this.transition(key, wanted, ctx));
    }
    ctx.saveRef(key, ctx.ref?.alias ?? null, c.status);
    return { detail: notes.join('; ') };
  }

  private async transition(key: string, wanted: string, ctx: DeliveryContext): Promise<string> {
    const path = `/rest/api/2/issue/${encodeURIComponent(key)}/transitions`;
    let id = /^\d+$/.test(wanted) ? wanted : undefined;
    if (id === undefined) {
      const list = replyJson(await ctx.request({ method: 'GET', url: this.url(path), headers: this.headers() }), 'jira transitions');
      const transitions = Array.isArray(list['transitions']) ? list['transitions'] as Transition[] : [];
      const w = wanted.toLowerCase();
      const match = transitions.find((t) => t.to?.name?.toLowerCase() === w) ?? transitions.find((t) => t.name?.toLowerCase() === w);
      // Already there, or the workflow does not allow it from here: nothing to retry.
      if (!match) return `no transition to '${wanted}' available`;
      id = String(match.id);
    }
    await ctx.request({ method: 'POST', url: this.url(path), headers: this.headers(), body: JSON.stringify({ transition: { id } }) });
    return `transitioned to '${wanted}'`;
  }
}
