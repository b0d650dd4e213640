/** Request bodies of the triage routes -> validated changes; every error names the field. */
import { ALERT_DISPOSITIONS, ALERT_STATUSES, type AlertDisposition, type AlertStatus } from '../storage/ports.js';
import { TriageError } from './errors.js';
import type { TriageChange } from './workflow.js';

export const MAX_REASON = 2000;
/** Alerts one bulk request may change. */
export const MAX_BULK = 500;

const CHANGE_KEYS = ['status', 'assignee', 'disposition', 'reason'];

function invalid(field: string, message: string): TriageError {
  return new TriageError('invalid', 'triage.invalid', `${field}: ${message}`, field);
}

/** 'open' was the name of 'new' before the triage workflow; older clients still send it. */
export function parseStatus(value: unknown, field = 'status'): AlertStatus {
  if (value === 'open') return 'new';
  if (typeof value !== 'string' || !ALERT_STATUSES.includes(value as AlertStatus)) {
    throw invalid(field, `must be one of ${ALERT_STATUSES.join(', ')}`);
  }
  return value as AlertStatus;
}

export function parseChange(body: Record<string, unknown>, prefix = ''): TriageChange {
  const unknown = Object.keys(body).filter((k) => !CHANGE_KEYS.includes(k));
  if (unknown.length) throw invalid(`${prefix}${unknown[0]!}`, `unknown field (expected ${CHANGE_KEYS.join(', ')})`);
  const change: TriageChange = {};
  if (body['status'] !== undefined) change.status = parseStatus(body['status'], `${prefix}status`);
  if (body['assignee'] !== undefined) {
    const a = body['assignee'];
    if (a !== null && (typeof a !== 'string' || a === '' || a.length > 64)) throw invalid(`${prefix}assignee`, 'must be a user name or null (unassign)');
    change.assignee = a;
  }
  if (body['disposition'] !== undefined) {
    const d = body['disposition'];
    if (typeof d !== 'string' || !ALERT_DISPOSITIONS.includes(d as AlertDisposition)) {
      throw invalid(`${prefix}disposition`, `must be one of ${ALERT_DISPOSITIONS.join(', ')}`);
    }
    change.disposition = d as AlertDisposition;
  }
  if (body['reason'] !== undefined) {
    const r = body['reason'];
    if (typeof r !== 'string' || r.trim() === '') throw invalid(`${prefix}reason`, 'must be a non-empty string');
    if (r.length > MAX_REASON) throw invalid(`${prefix}reason`, `must be at most ${MAX_REASON} characters`);
    change.reason = r.trim();
  }
  if (Object.keys(change).length === 0) throw invalid(prefix ? prefix.slice(0, -1) : 'body', 'nothing to change (give status, assignee, disposition or reason)');
  return change;
}

export function parseBulk(body: Record<string, unknown>): { ids: number[]; change: TriageChange } {
  const unknown = Object.keys(body).filter((k) => k !== 'ids' && k !== 'change');
  if (unknown.length) throw invalid(unknown[0]!, 'unknown field (expected ids, change)');
  const ids = body['ids'];
  if (!Array.isArray(ids) || ids.length === 0) throw invalid('ids', 'must be a non-empty array of alert ids');
  if (ids.length > MAX_BULK) throw invalid('ids', `at most ${MAX_BULK} alerts per request, got ${ids.length}`);
  const seen = new Set<number>();
  ids.forEach((id, i) => {
    if (!Number.isSafeInteger(id) || (id as number) < 1) throw invalid(`ids[${i}]`, 'must be a positive integer');
    if (seen.has(id as number)) throw invalid(`ids[${i}]`, `alert ${String(id)} is listed twice`);
    seen.add(id as number);
  });
  const change = body['change'];
  if (!change || typeof change !== 'object' || Array.isArray(change)) throw invalid('change', 'must be an object (status, assignee, disposition, reason)');
  return { ids: ids as number[], change: parseChange(change as Record<string, unknown>, 'change.') };
}
