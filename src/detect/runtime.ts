/**
 * One loaded rule set at work: the compiled Sigma engines plus the correlation state. Pure apart from
 * loading rule files; the detection worker owns one, tests can drive one directly.
 */
import type { VigilError } from '../core/errors.js';
import type { EventObject } from '../core/event.js';
import type { EcsCore } from '../formats/profiles/types.js';
import { CorrelationEngine } from '../sigma/correlation/engine.js';
import type { CorrelationAlert } from '../sigma/correlation/types.js';
import { AutoEngine } from '../sigma/engine/auto.js';
import type { RuleMatch } from '../sigma/engine/types.js';
import { eventTimeMs } from '../sigma/event-time.js';
import { loadRulesCached } from '../sigma/loader/cache.js';
import type { AnyRule } from '../sigma/model/types.js';
import { MAX_ALERT_EVENTS } from '../storage/ports.js';
import type { DetectedAlert, LoadReport, RuleLoadError, RuntimeOptions, StageEvent } from './types.js';

/** Pipelines AutoEngine may pick; compiled up front so compile errors are reported at load and no event waits for a compile. */
const PIPELINES = ['windows-evtx', 'winlogbeat', 'generic'];
const MAX_FIELDS = 32;

interface Known {
  id: number;
  core: EcsCore;
}

export function toLoadError(e: VigilError): RuleLoadError {
  const { file, line, column, field } = e.location;
  return { code: e.code, message: e.message, file, line, column, field };
}

export class RuleRuntime {
  private readonly engine: AutoEngine;
  private readonly correlations: CorrelationEngine;
  /** Correlations keep matched event objects; this maps them back to stored ids without holding them. */
  private readonly known = new WeakMap<EventObject, Known>();
  private readonly flushIntervalMs: number;
  private maxEventTime = -Infinity;
  private wallAtMax = 0;
  private lastFlush = 0;
  readonly report: Omit<LoadReport, 'applied'>;

  constructor(rules: AnyRule[], errors: VigilError[], files: number, options: RuntimeOptions = {}) {
    const compileErrors: VigilError[] = [];
    this.engine = new AutoEngine(rules, compileErrors);
    for (const p of PIPELINES) this.engine.engineFor(p);
    this.correlations = new CorrelationEngine(rules, options.correlation);
    this.flushIntervalMs = options.flushIntervalMs ?? 1_000;
    this.report = {
      loaded: rules.length,
      files,
      correlations: this.correlations.rules.length,
      errors: dedupe([...errors, ...compileErrors, ...this.correlations.errors].map(toLoadError)),
    };
  }

  static load(paths: string[], options: RuntimeOptions = {}): RuleRuntime {
    const set = loadRulesCached(paths, options.load);
    return new RuleRuntime(set.rules, set.errors, set.files, options);
  }

  /** Detects on a batch; an event the engine throws on is counted in `failures` and skipped. */
  detect(events: readonly StageEvent[], wallNow: number): { alerts: DetectedAlert[]; failures: number } {
    const alerts: DetectedAlert[] = [];
    let failures = 0;
    for (const event of events) {
      try {
        this.detectOne(event, wallNow, alerts);
      } catch {
        failures++;
      }
    }
    if (wallNow - this.lastFlush >= this.flushIntervalMs) this.flush(wallNow, alerts);
    return { alerts: coalesce(alerts), failures };
  }

  /** No events for a while: event time is taken to advance with wall time, so windows can close. */
  tick(wallNow: number): DetectedAlert[] {
    const alerts: DetectedAlert[] = [];
    this.flush(wallNow, alerts);
    return coalesce(alerts);
  }

  private detectOne(event: StageEvent, wallNow: number, out: DetectedAlert[]): void {
    const matches = this.engine.match(event.original, { logsource: event.logsource });
    if (matches.length === 0) return;
    this.known.set(event.original, { id: event.id, core: event.core });
    const time = eventTime(event);
    if (time > this.maxEventTime) {
      this.maxEventTime = time;
      this.wallAtMax = wallNow;
    }
    for (const m of matches) {
      // Rules used only by running correlations (no `generate`) feed them instead of alerting.
      if (this.correlations.standalone(m)) out.push(matchAlert(m, event));
      for (const a of this.correlations.process(m, time)) this.collect(a, out);
    }
  }

  private flush(wallNow: number, out: DetectedAlert[]): void {
    this.lastFlush = wallNow;
    if (this.maxEventTime === -Infinity) return;
    const watermark = this.maxEventTime + Math.max(0, wallNow - this.wallAtMax);
    for (const a of this.correlations.flush(watermark)) this.collect(a, out);
  }

  private collect(a: CorrelationAlert, out: DetectedAlert[]): void {
    if (a.correlationOnly) return;
    const events: Known[] = [];
    for (const ref of a.matches) {
      const k = this.known.get(ref.event);
      if (k && !events.includes(k)) events.push(k);
    }
    if (events.length === 0) return;
    const newest = events[events.length - 1]!;
    out.push({
      kind: 'correlation',
      ruleId: a.ruleId,
      title: a.title,
      level: a.level ?? null,
      tags: a.tags,
      author: a.author ?? null,
      eventIds: events.map((e) => e.id),
      hostName: newest.core['host.name'] ?? null,
      userName: newest.core['user.name'] ?? null,
      fields: Object.entries(a.group).slice(0, MAX_FIELDS).map(([field, value]) => ({ field, value })),
      groupKey: JSON.stringify(a.group),
      group: a.group,
      count: 1,
    });
  }
}

export function matchAlert(m: RuleMatch, event: { id: number; core: EcsCore }): DetectedAlert {
  const hostName = event.core['host.name'] ?? null;
  return {
    kind: 'match',
    ruleId: m.ruleId,
    title: m.title,
    level: m.level ?? null,
    tags: m.tags,
    author: m.author ?? null,
    eventIds: [event.id],
    hostName,
    userName: event.core['user.name'] ?? null,
    fields: m.fields.slice(0, MAX_FIELDS),
    groupKey: hostName,
    count: 1,
  };
}

/** The event's own time, else its normalized @timestamp, else when it arrived. */
function eventTime(event: StageEvent): number {
  const own = eventTimeMs(event.original);
  if (own !== undefined) return own;
  const ts = event.core['@timestamp'] ? Date.parse(event.core['@timestamp']) : NaN;
  return Number.isFinite(ts) ? ts : event.receivedAt;
}

/**
 * One occurrence per rule and group key of a batch, counting the rest: the main thread then does one
 * store write per group instead of one per match (a noisy rule can match most of a batch).
 */
export function coalesce(alerts: DetectedAlert[]): DetectedAlert[] {
  if (alerts.length < 2) return alerts;
  const byKey = new Map<string, DetectedAlert>();
  for (const a of alerts) {
    const key = `${a.ruleId}\u0000${a.groupKey ?? '\u0001'}`;
    const first = byKey.get(key);
    if (!first) {
      byKey.set(key, { ...a, eventIds: [...a.eventIds] });
      continue;
    }
    first.count += a.count;
    for (const id of a.eventIds) {
      if (first.eventIds.includes(id)) continue;
      // Bounded; the last slot always holds the newest event, which becomes the alert's lastEventId.
      if (first.eventIds.length < MAX_ALERT_EVENTS) first.eventIds.push(id);
      else first.eventIds[MAX_ALERT_EVENTS - 1] = id;
    }
  }
  return [...byKey.values()];
}

function dedupe(errors: RuleLoadError[]): RuleLoadError[] {
  const seen = new Set<string>();
  return errors.filter((e) => {
    const key = JSON.stringify(e);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
