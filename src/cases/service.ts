/**
 * Case management over the CaseStore port. Every mutation takes the acting principal, runs in one
 * transaction together with its audit records and analyst-action entries, and then tells listeners.
 * Alerts are only read (AlertStore port); their status is the alerts owner's job, via onAlertsLinked.
 */
import { VigilError, errorMessage } from '../core/errors.js';
import type { Alert, CasePatch, CaseStore, StoredEvent } from '../storage/ports.js';
import { extractObservables } from './extract.js';
import {
  parseCaseUpdate, parseComment, parseCreateCase, parseNewTask, parseObservable, parseObservableList, parsePir, parseRca,
  parseTaskUpdate, type ObservableInput,
} from './input.js';
import type { NormalizedObservable } from './observables.js';
import { normalizeObservable, isObservableType } from './observables.js';
import { renderCaseReport } from './report.js';
import type { CaseTemplate } from './templates.js';
import { caseTimeline, type TimelineEntry } from './timeline.js';
import {
  ACTIVE_STATUSES, OBSERVABLE_TYPES, type Actor, type AuditEntry, type AuditSink, type Case, type CaseListener, type CaseSnapshot,
  type Observable, type Severity, type Task,
} from './types.js';
import { invalid, LIMITS } from './validate.js';

export interface CaseServiceDeps {
  store: CaseStore;
  alerts: { get(id: number): Alert | undefined };
  events?: { getEvent(id: number): StoredEvent | undefined };
  templates?: ReadonlyMap<string, CaseTemplate>;
  /** Runs fn atomically (Stores.transaction); default: just runs it. */
  transaction?: <T>(fn: () => T) => T;
  audit?: AuditSink;
  onChange?: CaseListener;
  /** Called inside the linking transaction, so the alert's status and the link change together. */
  onAlertsLinked?: (alertIds: number[], caseId: number) => void;
  now?: () => number;
  log?: (line: string) => void;
}

export function notFound(what: string): VigilError {
  return new VigilError('cases.not_found', `${what} not found`);
}

/** Sigma levels -> case severity (informational and unknown levels count as low). */
const LEVEL_SEVERITY: Record<string, Severity> = { informational: 'low', low: 'low', medium: 'medium', high: 'high', critical: 'critical' };
const SEVERITY_RANK: Record<Severity, number> = { low: 0, medium: 1, high: 2, critical: 3 };

/** What changed between two values of case fields, for audit and activity. */
function diff<T extends object>(before: T, after: Partial<T>): { keys: (keyof T)[]; was: Partial<T>; now: Partial<T> } {
  const keys: (keyof T)[] = [];
  const was: Partial<T> = {};
  const now: Partial<T> = {};
  for (const k of Object.keys(after) as (keyof T)[]) {
    if (JSON.stringify(before[k]) === JSON.stringify(after[k])) continue;
    keys.push(k);
    was[k] = before[k];
    now[k] = after[k];
  }
  return { keys, was, now };
}

export class CaseService {
  private readonly store: CaseStore;
  private readonly tx: <T>(fn: () => T) => T;
  private readonly now: () => number;

  constructor(private readonly deps: CaseServiceDeps) {
    this.store = deps.store;
    this.tx = deps.transaction ?? ((fn) => fn());
    this.now = deps.now ?? Date.now;
  }

  templates(): CaseTemplate[] {
    return [...(this.deps.templates?.values() ?? [])];
  }

  get(id: number): Case | undefined {
    return this.store.get(id);
  }

  /** The case with its tasks, observables, linked alerts and comments. */
  detail(id: number): { case: Case; tasks: Task[]; observables: Observable[]; alerts: ReturnType<CaseStore['alertLinks']>; comments: ReturnType<CaseStore['comments']> } {
    const c = this.mustGet(id);
    return { case: c, tasks: this.store.tasks(id), observables: this.store.observables(id), alerts: this.store.alertLinks(id), comments: this.store.comments(id) };
  }

  list(query: Parameters<CaseStore['list']>[0]): ReturnType<CaseStore['list']> {
    return this.store.list(query);
  }

  /** Creates a case from a body: plain, from a template, and/or promoted from alerts. */
  create(actor: Actor, body: Record<string, unknown>): Case {
    const input = parseCreateCase(body);
    const template = input.template === undefined ? undefined : this.template(input.template);
    const alerts = (input.alertIds ?? []).map((id, i) => {
      const a = this.deps.alerts.get(id);
      if (!a) throw invalid(`alertIds[${i}]`, `alert ${id} does not exist`);
      return a;
    });
    const title = input.title ?? template?.title ?? (alerts.length ? alertTitle(alerts) : undefined);
    if (title === undefined) throw invalid('title', "'title' is required (or give a template or alertIds)");
    const now = this.now();
    const c = this.tx(() => {
      const created = this.store.create({
        title,
        description: input.description ?? template?.description ?? '',
        severity: input.severity ?? template?.severity ?? (alerts.length ? maxSeverity(alerts) : 'medium'),
        tlp: input.tlp ?? template?.tlp ?? 'amber',
        pap: input.pap ?? template?.pap ?? 'amber',
        status: input.status ?? 'open',
        owner: input.owner ?? null,
        tags: input.tags ?? template?.tags ?? [],
        template: template?.name ?? null,
        createdBy: actor.name,
      }, now);
      this.audit(actor, 'case.create', 'case', created.id, undefined, created);
      this.store.addActivity(created.id, actor.name, 'created', template ? `Case opened from template '${template.name}'` : 'Case opened', now);
      const tasks = [
        ...(template?.tasks ?? []).map((t) => ({ title: t.title, phase: t.phase, assignee: null, due: t.dueInMs === null ? null : now + t.dueInMs, status: 'todo' as const })),
        ...(input.tasks ?? []),
      ];
      for (const t of tasks) {
        const task = this.store.addTask(created.id, t, now);
        this.audit(actor, 'case.task.create', 'case.task', task.id, undefined, task);
      }
      if (tasks.length) this.store.addActivity(created.id, actor.name, 'task', `${tasks.length} tasks added`, now);
      for (const o of input.observables ?? []) this.addObservableTx(actor, created.id, o, 'manual', now);
      if (alerts.length) this.linkTx(actor, created.id, alerts, now);
      return this.store.get(created.id)!;
    });
    this.notify('created', c, actor, ['case']);
    return c;
  }

  update(actor: Actor, id: number, body: Record<string, unknown>): Case {
    const input = parseCaseUpdate(body);
    const now = this.now();
    const { after, keys } = this.tx(() => {
      const before = this.mustGet(id);
      const d = diff<Case>(before, input as Partial<Case>);
      if (d.keys.length === 0) return { after: before, keys: [] as string[] };
      const patch: CasePatch = { ...(d.now as CasePatch) };
      if (d.keys.includes('status')) patch.closed = input.status === 'closed' ? now : null;
      const after = this.store.update(id, patch, now)!;
      this.audit(actor, 'case.update', 'case', id, d.was, d.now);
      if (d.keys.includes('status')) this.store.addActivity(id, actor.name, 'status', `Status ${before.status} -> ${after.status}`, now);
      if (d.keys.includes('owner')) this.store.addActivity(id, actor.name, 'owner', `Owner ${before.owner ?? '(none)'} -> ${after.owner ?? '(none)'}`, now);
      const others = d.keys.filter((k) => k !== 'status' && k !== 'owner');
      if (others.length) this.store.addActivity(id, actor.name, 'updated', `Changed ${others.join(', ')}`, now);
      return { after, keys: d.keys as string[] };
    });
    if (keys.length) this.notify('updated', after, actor, keys);
    return after;
  }

  remove(actor: Actor, id: number): void {
    this.tx(() => {
      const before = this.mustGet(id);
      this.store.remove(id);
      this.audit(actor, 'case.delete', 'case', id, before, undefined);
    });
  }

  addTask(actor: Actor, caseId: number, body: Record<string, unknown>): Task {
    const input = parseNewTask(body);
    const now = this.now();
    const task = this.tx(() => {
      this.mustGet(caseId);
      if (this.store.tasks(caseId).length >= LIMITS.tasks * 2) throw invalid('title', `a case holds at most ${LIMITS.tasks * 2} tasks`);
      const t = this.store.addTask(caseId, input, now);
      this.audit(actor, 'case.task.create', 'case.task', t.id, undefined, t);
      this.store.addActivity(caseId, actor.name, 'task', `Task added: ${t.title}`, now);
      this.store.update(caseId, {}, now);
      return t;
    });
    this.notify('updated', this.store.get(caseId)!, actor, ['tasks']);
    return task;
  }

  updateTask(actor: Actor, caseId: number, taskId: number, body: Record<string, unknown>): Task {
    const input = parseTaskUpdate(body);
    const now = this.now();
    const { task, changed } = this.tx(() => {
      this.mustGet(caseId);
      const before = this.store.getTask(caseId, taskId);
      if (!before) throw notFound('task');
      const d = diff<Task>(before, input as Partial<Task>);
      if (d.keys.length === 0) return { task: before, changed: false };
      const after = this.store.updateTask(caseId, taskId, d.now, now)!;
      this.audit(actor, 'case.task.update', 'case.task', taskId, d.was, d.now);
      const what = d.keys.includes('status') ? `status ${before.status} -> ${after.status}` : `changed ${d.keys.join(', ')}`;
      this.store.addActivity(caseId, actor.name, 'task', `Task '${after.title}': ${what}`, now);
      this.store.update(caseId, {}, now);
      return { task: after, changed: true };
    });
    if (changed) this.notify('updated', this.store.get(caseId)!, actor, ['tasks']);
    return task;
  }

  /** Adds observables by hand; returns each with whether it was new to the case. */
  addObservables(actor: Actor, caseId: number, body: Record<string, unknown>): { observable: Observable; created: boolean }[] {
    const list = body['observables'] !== undefined ? parseObservableList(body['observables'], 'observables') : [parseObservable(body)];
    const now = this.now();
    const out = this.tx(() => {
      this.mustGet(caseId);
      const res = list.map((o) => this.addObservableTx(actor, caseId, o, 'manual', now));
      if (res.some((r) => r.created)) this.store.update(caseId, {}, now);
      return res;
    });
    if (out.some((r) => r.created)) this.notify('updated', this.store.get(caseId)!, actor, ['observables']);
    return out;
  }

  /** Cases holding the observable (the value is normalized like on input, so any spelling finds it). */
  sightings(type: string, value: string): { type: string; value: string; cases: ReturnType<CaseStore['sightings']> } {
    if (!isObservableType(type)) throw invalid('type', `'type' must be one of ${OBSERVABLE_TYPES.join(', ')}`);
    const o = normalizeObservable(type, value, 'value');
    return { type, value: o.value, cases: this.store.sightings(type, o.key, 200) };
  }

  similar(caseId: number, limit = 20): ReturnType<CaseStore['similar']> {
    this.mustGet(caseId);
    return this.store.similar(caseId, ACTIVE_STATUSES, limit);
  }

  /** Attaches alerts to an existing case; returns the ids newly linked. */
  attachAlerts(actor: Actor, caseId: number, alertIds: number[]): number[] {
    const alerts = alertIds.map((id, i) => {
      const a = this.deps.alerts.get(id);
      if (!a) throw invalid(`alertIds[${i}]`, `alert ${id} does not exist`);
      return a;
    });
    const now = this.now();
    const linked = this.tx(() => {
      this.mustGet(caseId);
      const ids = this.linkTx(actor, caseId, alerts, now);
      if (ids.length) this.store.update(caseId, {}, now);
      return ids;
    });
    if (linked.length) this.notify('updated', this.store.get(caseId)!, actor, ['alerts']);
    return linked;
  }

  addComment(actor: Actor, caseId: number, body: Record<string, unknown>): ReturnType<CaseStore['addComment']> {
    const text = parseComment(body);
    const now = this.now();
    const comment = this.tx(() => {
      this.mustGet(caseId);
      const c = this.store.addComment(caseId, actor.name, text, now);
      this.audit(actor, 'case.comment.create', 'case.comment', c.id, undefined, c);
      this.store.addActivity(caseId, actor.name, 'comment', `Comment: ${excerpt(text)}`, now);
      this.store.update(caseId, {}, now);
      return c;
    });
    this.notify('updated', this.store.get(caseId)!, actor, ['comments']);
    return comment;
  }

  setRootCause(actor: Actor, caseId: number, body: Record<string, unknown>): Case {
    const input = parseRca(body);
    return this.section(actor, caseId, 'rca', { ...input, updated: this.now(), updatedBy: actor.name }, 'Root-cause analysis updated');
  }

  setReview(actor: Actor, caseId: number, body: Record<string, unknown>): Case {
    const input = parsePir(body);
    return this.section(actor, caseId, 'pir', { ...input, updated: this.now(), updatedBy: actor.name }, 'Post-incident review updated');
  }

  timeline(caseId: number): TimelineEntry[] {
    this.mustGet(caseId);
    return caseTimeline(caseId, { store: this.store, alerts: this.deps.alerts, events: this.deps.events });
  }

  /** The Markdown report of a case. */
  report(caseId: number): string {
    const d = this.detail(caseId);
    return renderCaseReport({
      ...d,
      alerts: d.alerts.map((link) => ({ link, alert: this.deps.alerts.get(link.alertId) })),
      timeline: this.timeline(caseId),
      generated: this.now(),
    });
  }

  /** The listener's view of a case. */
  snapshot(c: Case): CaseSnapshot {
    const tasks = this.store.tasks(c.id);
    return {
      ...c,
      alertIds: this.store.alertLinks(c.id).map((l) => l.alertId),
      tasks: { total: tasks.length, open: tasks.filter((t) => t.status === 'todo' || t.status === 'in-progress').length },
      observables: this.store.observables(c.id).length,
    };
  }

  private section<K extends 'rca' | 'pir'>(actor: Actor, caseId: number, key: K, value: NonNullable<Case[K]>, summary: string): Case {
    const now = this.now();
    const after = this.tx(() => {
      const before = this.mustGet(caseId);
      const c = this.store.update(caseId, { [key]: value } as CasePatch, now)!;
      this.audit(actor, `case.${key}.update`, 'case', caseId, before[key] ?? undefined, value);
      this.store.addActivity(caseId, actor.name, key, summary, now);
      return c;
    });
    this.notify('updated', after, actor, [key]);
    return after;
  }

  private template(name: string): CaseTemplate {
    const t = this.deps.templates?.get(name);
    if (!t) {
      const known = [...(this.deps.templates?.keys() ?? [])];
      throw invalid('template', `unknown template '${name}' (known: ${known.join(', ') || 'none'})`);
    }
    return t;
  }

  private mustGet(id: number): Case {
    const c = this.store.get(id);
    if (!c) throw notFound('case');
    return c;
  }

  private addObservableTx(actor: Actor, caseId: number, o: NormalizedObservable & Partial<Pick<ObservableInput, 'description'>>, source: string, now: number): { observable: Observable; created: boolean } {
    const r = this.store.addObservable(caseId, { type: o.type, value: o.value, key: o.key, subtype: o.subtype, source, description: o.description ?? null, addedBy: actor.name }, now);
    if (r.created) {
      this.audit(actor, 'case.observable.create', 'case.observable', r.observable.id, undefined, r.observable);
      this.store.addActivity(caseId, actor.name, 'observable', `Observable added: ${o.type} ${o.value}${source === 'manual' ? '' : ` (from ${source})`}`, now);
    }
    return r;
  }

  /** Links alerts and adds their observables; inside the caller's transaction. */
  private linkTx(actor: Actor, caseId: number, alerts: Alert[], now: number): number[] {
    const ids = this.store.linkAlerts(caseId, alerts.map((a) => a.id), actor.name, now);
    if (!ids.length) return ids;
    this.audit(actor, 'case.alerts.link', 'case', caseId, undefined, { alertIds: ids });
    this.store.addActivity(caseId, actor.name, 'alerts', `Alerts linked: ${ids.map((id) => `#${id}`).join(', ')}`, now);
    for (const a of alerts) {
      if (!ids.includes(a.id)) continue;
      const event = this.deps.events?.getEvent(a.eventId);
      for (const o of extractObservables(a, event)) this.addObservableTx(actor, caseId, o, `alert:${a.id}`, now);
    }
    this.deps.onAlertsLinked?.(ids, caseId);
    return ids;
  }

  private audit(actor: Actor, action: string, targetType: string, targetId: number, before: unknown, after: unknown): void {
    const entry: AuditEntry = { actor: actor.name, action, targetType, targetId: String(targetId), before, after };
    if (actor.kind !== undefined) entry.actorKind = actor.kind;
    if (actor.userId !== undefined) entry.actorUserId = actor.userId;
    this.deps.audit?.record(entry);
  }

  private notify(type: 'created' | 'updated', c: Case, actor: Actor, changes: string[]): void {
    if (!this.deps.onChange) return;
    try {
      this.deps.onChange({ type, case: this.snapshot(c), actor: actor.name, changes });
    } catch (err) {
      this.deps.log?.(`vigil: case listener failed for case ${c.id}: ${errorMessage(err)}`);
    }
  }
}

function alertTitle(alerts: Alert[]): string {
  const first = alerts[0]!.title;
  const t = alerts.length === 1 ? first : `${first} (+${alerts.length - 1} alerts)`;
  return t.length > LIMITS.title ? `${t.slice(0, LIMITS.title - 3)}...` : t;
}

function maxSeverity(alerts: Alert[]): Severity {
  let best: Severity = 'low';
  for (const a of alerts) {
    const s = LEVEL_SEVERITY[a.level ?? ''] ?? 'low';
    if (SEVERITY_RANK[s] > SEVERITY_RANK[best]) best = s;
  }
  return best;
}

function excerpt(text: string): string {
  const one = text.replace(/\s+/g, ' ');
  return one.length > 120 ? `${one.slice(0, 117)}...` : one;
}
