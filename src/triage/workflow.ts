/**
 * The alert triage state machine: which status moves are allowed and what each one writes. Pure: the
 * service reads the alert, asks here for the patch, and stores it.
 */
import type { Alert, AlertDisposition, AlertPatch, AlertStatus } from '../storage/ports.js';
import { TriageError } from './errors.js';

/**
 * Forward moves may skip steps (a false positive is closed straight from 'new'); the only way back is
 * reopening a closed alert, which goes to 'acknowledged' (someone has looked at it) and clears the
 * disposition. Nothing returns to 'new'.
 */
export const TRANSITIONS: Readonly<Record<AlertStatus, readonly AlertStatus[]>> = {
  new: ['acknowledged', 'in-progress', 'closed'],
  acknowledged: ['in-progress', 'closed'],
  'in-progress': ['closed'],
  closed: ['acknowledged'],
};

/** A requested change, validated for shape (see input.ts). */
export interface TriageChange {
  status?: AlertStatus;
  /** A user name, or null to unassign. Checked to exist by the service. */
  assignee?: string | null;
  disposition?: AlertDisposition;
  reason?: string;
}

export interface Planned {
  patch: AlertPatch;
  /** The changed fields' values before and after, for the audit log. */
  before: Record<string, unknown>;
  after: Record<string, unknown>;
}

/** What `change` does to `alert` at `now`; throws a TriageError when it is not allowed. An empty patch means no change. */
export function plan(alert: Alert, change: TriageChange, now: number): Planned {
  const patch: AlertPatch = {};
  const closing = change.status === 'closed';
  if ((change.disposition !== undefined || change.reason !== undefined) && !closing) {
    throw new TriageError('invalid', 'triage.disposition', "a disposition and reason are only given when closing (status 'closed')", change.disposition !== undefined ? 'disposition' : 'reason');
  }
  if (change.status !== undefined && change.status !== alert.status) {
    if (!TRANSITIONS[alert.status].includes(change.status)) {
      const allowed = TRANSITIONS[alert.status];
      throw new TriageError('conflict', 'triage.transition',
        `alert ${alert.id} cannot go from '${alert.status}' to '${change.status}' (allowed: ${allowed.join(', ')})`, 'status');
    }
    patch.status = change.status;
    if (alert.status === 'new' && alert.acknowledgedAt === null) patch.acknowledgedAt = now;
    if (alert.status === 'closed') {
      patch.disposition = null;
      patch.reason = null;
      patch.closedAt = null;
    }
  } else if (closing) {
    throw new TriageError('conflict', 'triage.transition', `alert ${alert.id} is already closed (reopen it first: status 'acknowledged')`, 'status');
  }
  if (closing) {
    if (change.disposition === undefined) {
      throw new TriageError('invalid', 'triage.disposition', 'closing an alert needs a disposition: true-positive, benign-true-positive, false-positive or duplicate', 'disposition');
    }
    if (change.reason === undefined) throw new TriageError('invalid', 'triage.reason', 'closing an alert needs a reason', 'reason');
    patch.disposition = change.disposition;
    patch.reason = change.reason;
    patch.closedAt = now;
  }
  if (change.assignee !== undefined && change.assignee !== alert.assignee) {
    patch.assignee = change.assignee;
    patch.assignedAt = change.assignee === null ? null : now;
  }
  const before: Record<string, unknown> = {};
  const after: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(patch)) {
    before[k] = alert[k as keyof AlertPatch];
    after[k] = v;
  }
  return { patch, before, after };
}
