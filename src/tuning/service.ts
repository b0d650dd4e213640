/**
 * Suppressions and rule exceptions: validated CRUD (every change audited with before and after), the
 * held-alert listing and the exception backtest. The TuningFilter is refreshed after each change.
 */
import { VigilError } from '../core/errors.js';
import type { AuditActor, EventStore, NewRuleException, NewSuppression, RuleExceptionPatch, SuppressionPatch, TuningStore } from '../storage/ports.js';
import { compileConditions, parseConditions } from './conditions.js';
import { compileHuntFilter } from './hunt-match.js';
import type { ExceptionCondition, RuleException, Suppression } from './types.js';

export const MAX_TEXT = 1000;
export const MAX_WINDOW_MS = 366 * 24 * 3600_000;
export const BACKTEST_WINDOW_MS = 30 * 24 * 3600_000;

export interface TuningAudit {
  record(actor: AuditActor, action: string, target: { type: string; id: string }, before: unknown, after: unknown): unknown;
}

export interface BacktestLimits {
  /** Alerts of the rule read (newest first). Default 5,000. */
  maxAlerts: number;
  /** Events read from the store. Default 50,000. */
  maxEvents: number;
  /** Alert ids returned. Default 100. */
  maxListed: number;
}

export interface BacktestResult {
  ruleId: string;
  from: number;
  to: number;
  /** Alerts of the rule in the window that were read. */
  alertsScanned: number;
  /** Alerts every stored event of which meets the exception: they would not exist. */
  alertsHidden: number;
  /** Occurrences (alert counts) of those alerts. */
  occurrencesHidden: number;
  /** Alerts some but not all of whose events meet it: they would exist with a lower count. */
  alertsPartial: number;
  eventsChecked: number;
  eventsMatched: number;
  /** Events the store no longer has (not counted as matching). */
  eventsMissing: number;
  /** Hidden alert ids, newest first, at most maxListed. */
  hidden: number[];
  /** True when a limit stopped the scan before the window's oldest alert. */
  truncated: boolean;
}

export class TuningNotFound extends VigilError {
  constructor(what: string) {
    super('tuning.not_found', `${what} not found`);
  }
}

function invalid(message: string, field: string): VigilError {
  return new VigilError('tuning.invalid', message, { field });
}

function text(input: Record<string, unknown>, name: string, required: boolean): string | undefined {
  const v = input[name];
  if (v === undefined || v === null) {
    if (required) throw invalid(`'${name}' is required`, name);
    return undefined;
  }
  if (typeof v !== 'string' || v.trim() === '' || v.length > MAX_TEXT) throw invalid(`'${name}' must be a non-empty string of at most ${MAX_TEXT} characters`, name);
  return v.trim();
}

/** null clears an optional criterion on update; undefined leaves it. */
function optionalText(input: Record<string, unknown>, name: string): string | null | undefined {
  if (input[name] === null) return null;
  return text(input, name, false);
}

/** ISO 8601 text or epoch milliseconds. */
function time(input: Record<string, unknown>, name: string, required: boolean): number | undefined {
  const v = input[name];
  if (v === undefined || v === null) {
    if (required) throw invalid(`'${name}' is required (ISO 8601 time or epoch milliseconds)`, name);
    return undefined;
  }
  const t = typeof v === 'number' ? v : typeof v === 'string' && v.length <= 64 ? Date.parse(v) : NaN;
  if (!Number.isSafeInteger(t) || t < 0) throw invalid(`'${name}' must be an ISO 8601 time or epoch milliseconds`, name);
  return t;
}

const SUPPRESSION_FIELDS = ['ruleId', 'host', 'user', 'query', 'start', 'expires', 'owner', 'reason'];
const EXCEPTION_FIELDS = ['conditions', 'owner', 'reason', 'expires'];

function onlyKnown(input: Record<string, unknown>, known: string[]): void {
  for (const k of Object.keys(input)) if (!known.includes(k)) throw invalid(`unknown field '${k}' (allowed: ${known.join(', ')})`, k);
}

function checkSuppression(s: Pick<Suppression, 'ruleId' | 'host' | 'user' | 'query' | 'start' | 'expires'>): void {
  if (s.ruleId === null && s.host === null && s.user === null && s.query === null) {
    throw invalid('a suppression needs at least one of ruleId, host, user, query', 'ruleId');
  }
  if (s.query !== null) compileHuntFilter(s.query);
  if (s.expires <= s.start) throw invalid("'expires' must be after 'start'", 'expires');
  if (s.expires - s.start > MAX_WINDOW_MS) throw invalid('a suppression window may last at most 366 days', 'expires');
}

export interface TuningServiceDeps {
  store: TuningStore;
  events: Pick<EventStore, 'getEvent'>;
  audit: TuningAudit;
  /** Called after every change (TuningFilter.refresh). */
  changed?: () => void;
  now?: () => number;
  backtest?: Partial<BacktestLimits>;
}

export class TuningService {
  private readonly now: () => number;
  private readonly limits: BacktestLimits;

  constructor(private readonly deps: TuningServiceDeps) {
    this.now = deps.now ?? Date.now;
    this.limits = { maxAlerts: 5_000, maxEvents: 50_000, maxListed: 100, ...deps.backtest };
  }

  listSuppressions(includeDeleted = false): Suppression[] {
    return this.deps.store.listSuppressions({ includeDeleted });
  }

  getSuppression(id: number): Suppression {
    const s = this.deps.store.getSuppression(id);
    if (!s) throw new TuningNotFound('suppression');
    return s;
  }

  createSuppression(actor: AuditActor, input: Record<string, unknown>): Suppression {
    onlyKnown(input, SUPPRESSION_FIELDS);
    const now = this.now();
    const draft: NewSuppression = {
      ruleId: text(input, 'ruleId', false) ?? null,
      host: text(input, 'host', false) ?? null,
      user: text(input, 'user', false) ?? null,
      query: text(input, 'query', false) ?? null,
      start: time(input, 'start', false) ?? now,
      expires: time(input, 'expires', true)!,
      owner: text(input, 'owner', false) ?? actor.name,
      reason: text(input, 'reason', true)!,
      createdBy: actor.name,
    };
    checkSuppression(draft);
    if (draft.expires <= now) throw invalid("'expires' is in the past", 'expires');
    const s = this.deps.store.addSuppression(draft, now);
    this.deps.audit.record(actor, 'suppression.create', { type: 'suppression', id: String(s.id) }, null, s);
    this.deps.changed?.();
    return s;
  }

  updateSuppression(actor: AuditActor, id: number, input: Record<string, unknown>): Suppression {
    onlyKnown(input, SUPPRESSION_FIELDS);
    const before = this.getSuppression(id);
    if (before.deleted !== null) throw new TuningNotFound('suppression');
    const patch: SuppressionPatch = {};
    for (const k of ['ruleId', 'host', 'user', 'query'] as const) {
      const v = optionalText(input, k);
      if (v !== undefined) patch[k] = v;
    }
    for (const k of ['owner', 'reason'] as const) {
      const v = text(input, k, false);
      if (v !== undefined) patch[k] = v;
    }
    for (const k of ['start', 'expires'] as const) {
      const v = time(input, k, false);
      if (v !== undefined) patch[k] = v;
    }
    checkSuppression({ ...before, ...patch });
    const after = this.deps.store.updateSuppression(id, patch, this.now());
    if (!after) throw new TuningNotFound('suppression');
    this.deps.audit.record(actor, 'suppression.update', { type: 'suppression', id: String(id) }, before, after);
    this.deps.changed?.();
    return after;
  }

  deleteSuppression(actor: AuditActor, id: number): Suppression {
    const before = this.getSuppression(id);
    const after = this.deps.store.deleteSuppression(id, this.now());
    if (!after) throw new TuningNotFound('suppression');
    this.deps.audit.record(actor, 'suppression.delete', { type: 'suppression', id: String(id) }, before, after);
    this.deps.changed?.();
    return after;
  }

  listExceptions(ruleId?: string, includeDeleted = false): RuleException[] {
    return this.deps.store.listExceptions({ ruleId, includeDeleted });
  }

  getException(id: number, ruleId?: string): RuleException {
    const e = this.deps.store.getException(id);
    if (!e || (ruleId !== undefined && e.ruleId !== ruleId)) throw new TuningNotFound('rule exception');
    return e;
  }

  createException(actor: AuditActor, ruleId: string, input: Record<string, unknown>): RuleException {
    onlyKnown(input, EXCEPTION_FIELDS);
    const now = this.now();
    const draft: NewRuleException = {
      ruleId,
      conditions: parseConditions(input['conditions']),
      owner: text(input, 'owner', false) ?? actor.name,
      reason: text(input, 'reason', true)!,
      expires: time(input, 'expires', true)!,
      createdBy: actor.name,
    };
    if (draft.expires <= now) throw invalid("'expires' is in the past", 'expires');
    const e = this.deps.store.addException(draft, now);
    this.deps.audit.record(actor, 'rule_exception.create', { type: 'rule_exception', id: String(e.id) }, null, e);
    this.deps.changed?.();
    return e;
  }

  updateException(actor: AuditActor, ruleId: string, id: number, input: Record<string, unknown>): RuleException {
    onlyKnown(input, EXCEPTION_FIELDS);
    const before = this.getException(id, ruleId);
    if (before.deleted !== null) throw new TuningNotFound('rule exception');
    const patch: RuleExceptionPatch = {};
    if (input['conditions'] !== undefined) patch.conditions = parseConditions(input['conditions']);
    for (const k of ['owner', 'reason'] as const) {
      const v = text(input, k, false);
      if (v !== undefined) patch[k] = v;
    }
    const expires = time(input, 'expires', false);
    if (expires !== undefined) patch.expires = expires;
    const after = this.deps.store.updateException(id, patch, this.now());
    if (!after) throw new TuningNotFound('rule exception');
    this.deps.audit.record(actor, 'rule_exception.update', { type: 'rule_exception', id: String(id) }, before, after);
    this.deps.changed?.();
    return after;
  }

  deleteException(actor: AuditActor, ruleId: string, id: number): RuleException {
    const before = this.getException(id, ruleId);
    const after = this.deps.store.deleteException(id, this.now());
    if (!after) throw new TuningNotFound('rule exception');
    this.deps.audit.record(actor, 'rule_exception.delete', { type: 'rule_exception', id: String(id) }, before, after);
    this.deps.changed?.();
    return after;
  }

  /**
   * What a candidate exception would have hidden among the rule's alerts of the last 30 days: an alert
   * is hidden when every one of its stored events meets all conditions. Bounded in alerts and events read.
   */
  backtest(ruleId: string, input: Record<string, unknown>): BacktestResult {
    const conditions: ExceptionCondition[] = parseConditions(input['conditions']);
    const test = compileConditions(conditions);
    const to = this.now();
    const from = to - BACKTEST_WINDOW_MS;
    const alerts = this.deps.store.alertsOfRule(ruleId, from, this.limits.maxAlerts + 1);
    const result: BacktestResult = {
      ruleId, from, to, alertsScanned: 0, alertsHidden: 0, occurrencesHidden: 0, alertsPartial: 0,
      eventsChecked: 0, eventsMatched: 0, eventsMissing: 0, hidden: [], truncated: alerts.length > this.limits.maxAlerts,
    };
    for (const a of alerts.slice(0, this.limits.maxAlerts)) {
      if (result.eventsChecked + a.eventIds.length > this.limits.maxEvents) { result.truncated = true; break; }
      result.alertsScanned++;
      let matched = 0;
      for (const id of a.eventIds) {
        const ev = this.deps.events.getEvent(id);
        result.eventsChecked++;
        if (!ev) { result.eventsMissing++; continue; }
        if (test(ev)) matched++;
      }
      result.eventsMatched += matched;
      if (matched > 0 && matched === a.eventIds.length) {
        result.alertsHidden++;
        result.occurrencesHidden += a.count;
        if (result.hidden.length < this.limits.maxListed) result.hidden.push(a.id);
      } else if (matched > 0) result.alertsPartial++;
    }
    return result;
  }
}
