/**
 * Alert triage over the AlertStore port: status workflow, dispositions, assignment and bulk changes.
 * Each change is stored together with its audit record (before/after) in one transaction.
 */
import type { Alert, AlertStore, AuditActor, AuditTarget } from '../storage/ports.js';
import { TriageError } from './errors.js';
import { parseBulk, parseChange } from './input.js';
import { plan, type Planned, type TriageChange } from './workflow.js';

export interface TriageDeps {
  alerts: AlertStore;
  /** Assignees must be existing, enabled users. */
  users: { byUsername(username: string): { username: string; disabled: boolean } | undefined };
  audit: { record(actor: AuditActor, action: string, target: AuditTarget, before: unknown, after: unknown, options?: { ip?: string }): unknown };
  transaction?: <T>(fn: () => T) => T;
  now?: () => number;
}

export interface TriageActor {
  actor: AuditActor;
  ip?: string;
}

export class TriageService {
  private readonly tx: <T>(fn: () => T) => T;
  private readonly now: () => number;

  constructor(private readonly deps: TriageDeps) {
    this.tx = deps.transaction ?? ((fn) => fn());
    this.now = deps.now ?? Date.now;
  }

  /** Applies a change body ({status, assignee, disposition, reason}) to one alert. */
  change(by: TriageActor, id: number, body: Record<string, unknown>): Alert {
    const change = this.checked(parseChange(body));
    return this.tx(() => {
      const alert = this.deps.alerts.get(id);
      if (!alert) throw new TriageError('not_found', 'triage.not_found', `alert ${id} not found`);
      return this.apply(by, alert, plan(alert, change, this.now()));
    });
  }

  /** The same change to every listed alert, or to none: the first alert that refuses it fails the whole request. */
  bulk(by: TriageActor, body: Record<string, unknown>): Alert[] {
    const parsed = parseBulk(body);
    const ids = parsed.ids;
    const change = this.checked(parsed.change);
    return this.tx(() => {
      const alerts = ids.map((id) => this.deps.alerts.get(id));
      const missing = ids.filter((_, i) => alerts[i] === undefined);
      if (missing.length) {
        throw new TriageError('not_found', 'triage.not_found', `alerts not found: ${missing.slice(0, 10).join(', ')}${missing.length > 10 ? ` (+${missing.length - 10} more)` : ''}; nothing was changed`, 'ids');
      }
      const now = this.now();
      const plans = alerts.map((a) => {
        try {
          return plan(a!, change, now);
        } catch (err) {
          if (err instanceof TriageError) throw new TriageError(err.kind, err.code, `${err.message}; nothing was changed`, err.location.field);
          throw err;
        }
      });
      return alerts.map((a, i) => this.apply(by, a!, plans[i]!));
    });
  }

  /** Alerts linked to a case are being worked: new and acknowledged ones move to in-progress. Runs inside the linking transaction. */
  onAlertsLinked(alertIds: readonly number[], caseId: number): void {
    const by: TriageActor = { actor: { kind: 'system', name: `case ${caseId}` } };
    const now = this.now();
    for (const id of alertIds) {
      const alert = this.deps.alerts.get(id);
      if (!alert || (alert.status !== 'new' && alert.status !== 'acknowledged')) continue;
      this.apply(by, alert, plan(alert, { status: 'in-progress' }, now));
    }
  }

  private checked(change: TriageChange): TriageChange {
    if (typeof change.assignee === 'string') {
      const user = this.deps.users.byUsername(change.assignee);
      if (!user) throw new TriageError('invalid', 'triage.assignee', `assignee '${change.assignee}' is not a known user`, 'assignee');
      if (user.disabled) throw new TriageError('invalid', 'triage.assignee', `assignee '${change.assignee}' is disabled`, 'assignee');
      // The stored spelling, so filters and metrics by analyst see one name per user.
      return { ...change, assignee: user.username };
    }
    return change;
  }

  private apply(by: TriageActor, alert: Alert, p: Planned): Alert {
    if (Object.keys(p.patch).length === 0) return alert;
    const updated = this.deps.alerts.update(alert.id, p.patch);
    if (!updated) throw new TriageError('not_found', 'triage.not_found', `alert ${alert.id} not found`);
    this.deps.audit.record(by.actor, 'alert.update', { type: 'alert', id: String(alert.id) }, p.before, p.after, by.ip === undefined ? {} : { ip: by.ip });
    return updated;
  }
}
