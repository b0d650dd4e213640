import type { VigilError } from '../../core/errors.js';
import type { RuleMatch } from '../engine/types.js';
import type { AnyRule, CorrelationRule } from '../model/types.js';
import { conditionHolds } from './condition.js';
import { buildPlan, ruleKeys, type CompiledCorrelation, type Consumer, type Plan, type Target } from './plan.js';
import { CountState, DistinctState, GroupState, PercentileState, type Contribution, type Limits } from './state.js';
import { OrderedState, TemporalState } from './temporal.js';
import type { CorrelationAlert, CorrelationOptions, CorrelationStats, MatchRef } from './types.js';

const MAX_VALUE_CHARS = 1024;

type Counters = Omit<CorrelationStats, 'groups'>;

/**
 * Streaming Sigma correlation: feed it the detection matches of an event stream in (roughly) time
 * order with each event's time, and it returns the correlation alerts as they become decidable.
 * A library: no timers and no clock, time only comes from the events and from `flush(nowMs)`.
 */
export class CorrelationEngine {
  /** Problems found in the correlation rules; each affected correlation is left out. */
  readonly errors: VigilError[];
  private readonly plan: Plan;
  private readonly groups = new Map<CompiledCorrelation, Map<string, GroupState>>();
  private readonly counters: Counters = {
    evictedGroups: 0,
    lateEvents: 0,
    missingGroupValue: 0,
    missingValue: 0,
    invalidTime: 0,
    mergedEntries: 0,
    droppedEntries: 0,
    alerts: 0,
  };
  private readonly limits: Limits;
  private readonly maxGroups: number;
  private readonly lastFed = new Map<CompiledCorrelation, { key: object; groupKey: string }>();

  /** Takes a whole rule set; detection and filter rules only serve to resolve references. */
  constructor(rules: AnyRule[], options: CorrelationOptions = {}) {
    this.plan = buildPlan(rules);
    this.errors = this.plan.errors;
    this.maxGroups = Math.max(1, Math.floor(options.maxGroups ?? 10_000));
    this.limits = {
      maxEvents: Math.max(1, Math.floor(options.maxEventsPerGroup ?? 1_000)),
      maxRefs: Math.max(0, Math.floor(options.maxMatchesPerAlert ?? 100)),
      stats: this.counters,
    };
  }

  /** The correlation rules that run, inner ones of a chain first. */
  get rules(): CorrelationRule[] {
    return this.plan.correlations.map((c) => c.rule);
  }

  get stats(): CorrelationStats {
    let groups = 0;
    for (const g of this.groups.values()) groups += g.size;
    return { ...this.counters, groups };
  }

  /** Whether matches of this detection rule feed any correlation (callers may skip `process` otherwise). */
  consumes(rule: { id?: string; name?: string }): boolean {
    return ruleKeys(rule).some((k) => this.plan.byBaseRule.has(k));
  }

  /**
   * Whether a detection match is an alert of its own: true unless its rule only feeds correlations
   * (no `generate`) and a working correlation here actually consumes it, so nothing is silently lost.
   */
  standalone(match: RuleMatch): boolean {
    return !match.correlationOnly || !this.consumes(match.rule);
  }

  /**
   * Adds one detection match at its event's time. Returns the alerts it completes: correlations with
   * gt/gte conditions as soon as they hold, deferred ones whose window this event shows has ended,
   * and chained correlations fed by those, inner alerts before outer ones.
   */
  process(match: RuleMatch, eventTimeMs: number): CorrelationAlert[] {
    if (!Number.isFinite(eventTimeMs)) {
      this.counters.invalidTime++;
      return [];
    }
    const out: CorrelationAlert[] = [];
    const seen = new Set<CompiledCorrelation>();
    const ref: MatchRef = { ruleId: match.ruleId, title: match.title, time: eventTimeMs, event: match.event };
    for (const key of ruleKeys(match.rule)) {
      for (const consumer of this.plan.byBaseRule.get(key) ?? []) {
        if (seen.has(consumer.corr)) continue;
        seen.add(consumer.corr);
        this.feed(consumer, eventTimeMs, match.event, [ref], (f) => match.fieldValue(f), out);
      }
    }
    return out;
  }

  /**
   * Closes windows: with `nowMs`, those that ended before it (deciding lt/lte/eq/neq conditions and
   * forgetting idle groups); without it, every window, as at the end of the input.
   */
  flush(nowMs?: number): CorrelationAlert[] {
    const out: CorrelationAlert[] = [];
    // Inner correlations first, so the alerts their closing windows produce reach outer windows before those close.
    for (const corr of this.plan.correlations) {
      const groups = this.groups.get(corr);
      if (!groups) continue;
      const span = corr.rule.timespan;
      for (const [key, g] of [...groups]) {
        if (corr.deferred) {
          if (nowMs === undefined || nowMs > g.windowStart + span) {
            groups.delete(key);
            this.close(corr, g, out);
          }
        } else if (nowMs === undefined || g.newest < nowMs - span) groups.delete(key);
      }
    }
    if (nowMs === undefined) this.lastFed.clear();
    return out;
  }

  private feed(consumer: Consumer, time: number, key: object, refs: MatchRef[], read: (field: string) => unknown, out: CorrelationAlert[]): void {
    const { corr, target } = consumer;
    const values: string[] = [];
    for (const field of target.groupFields) {
      const v = textOf(read(field));
      if (v === undefined) {
        this.counters.missingGroupValue++;
        return;
      }
      values.push(v);
    }
    const c: Contribution = { key, time, positions: target.positions, refs };
    if (!this.readValue(corr, target, read, c)) {
      this.counters.missingValue++;
      return;
    }
    const groupKey = JSON.stringify(values);
    if (!isTemporal(corr)) {
      // One event matching two listed rules is one event to count or sum; its matches arrive one
      // after the other, so remembering the last one per correlation is enough.
      const last = this.lastFed.get(corr);
      if (last && last.key === key && last.groupKey === groupKey) return;
      this.lastFed.set(corr, { key, groupKey });
    }
    let groups = this.groups.get(corr);
    if (!groups) this.groups.set(corr, (groups = new Map()));
    let g = groups.get(groupKey);
    if (g) groups.delete(groupKey);
    else g = this.newState(corr, values);
    // Re-inserting keeps the map in least-recently-updated order, so eviction takes the stalest group.
    groups.set(groupKey, g);
    if (groups.size > this.maxGroups) {
      groups.delete(groups.keys().next().value!);
      this.counters.evictedGroups++;
    }
    if (corr.deferred) this.addDeferred(corr, groups, groupKey, g, c, out);
    else this.addSliding(corr, groups, groupKey, g, c, out);
  }

  private readValue(corr: CompiledCorrelation, target: Target, read: (field: string) => unknown, c: Contribution): boolean {
    switch (corr.rule.correlationType) {
      case 'value_sum':
      case 'value_avg':
        c.num = numberOf(read(target.valueFields[0]!));
        return c.num !== undefined;
      case 'value_count':
      case 'value_percentile': {
        const parts = target.valueFields.map((f) => textOf(read(f)));
        if (parts.some((p) => p === undefined)) return false;
        c.value = parts.length === 1 ? parts[0] : JSON.stringify(parts);
        return true;
      }
      default:
        return true;
    }
  }

  private newState(corr: CompiledCorrelation, values: string[]): GroupState {
    const type = corr.rule.correlationType;
    switch (type) {
      case 'event_count':
      case 'value_sum':
      case 'value_avg':
        return new CountState(values, this.limits, type);
      case 'value_count':
        return new DistinctState(values, this.limits);
      case 'value_percentile':
        return new PercentileState(values, this.limits);
      case 'temporal':
        return new TemporalState(values, this.limits, corr.rule.rules.length);
      case 'temporal_ordered':
        return new OrderedState(values, this.limits, corr.rule.rules.length, corr.rule.timespan);
    }
  }

  /** gt/gte: the window slides with the group's newest event and fires as soon as the condition holds. */
  private addSliding(corr: CompiledCorrelation, groups: Map<string, GroupState>, key: string, g: GroupState, c: Contribution, out: CorrelationAlert[]): void {
    const span = corr.rule.timespan;
    if (c.time < g.newest - span) {
      this.counters.lateEvents++;
      return;
    }
    g.add(c);
    g.prune(g.newest - span);
    const metric = g.metric(c);
    if (!conditionHolds(corr.condition, metric) || !g.canFire(c)) return;
    this.emit(corr, g, metric, c, out);
    if (g.resetsOnAlert) groups.delete(key);
    else g.fired(c);
  }

  /**
   * lt/lte/eq/neq: a window opens at the group's first event, lasts one timespan, and is decided when
   * a later event (or `flush`) shows it has ended. A slightly late event joins the open window if
   * the window still fits in one timespan with it.
   */
  private addDeferred(corr: CompiledCorrelation, groups: Map<string, GroupState>, key: string, g: GroupState, c: Contribution, out: CorrelationAlert[]): void {
    const span = corr.rule.timespan;
    if (g.windowStart !== Infinity) {
      if (c.time > g.windowStart + span) {
        this.close(corr, g, out);
        g = this.newState(corr, g.values);
        groups.set(key, g);
      } else if (c.time < g.windowStart) {
        if (g.newest - c.time > span) {
          this.counters.lateEvents++;
          return;
        }
        g.windowStart = c.time;
      }
    }
    if (g.windowStart === Infinity) g.windowStart = c.time;
    g.add(c);
  }

  private close(corr: CompiledCorrelation, g: GroupState, out: CorrelationAlert[]): void {
    const metric = g.finalMetric();
    if (conditionHolds(corr.condition, metric)) this.emit(corr, g, metric, undefined, out);
  }

  private emit(corr: CompiledCorrelation, g: GroupState, metric: number, c: Contribution | undefined, out: CorrelationAlert[]): void {
    const rule = corr.rule;
    const refs = g.alertRefs(c, metric);
    const alert: CorrelationAlert = {
      ruleId: corr.ruleId,
      title: rule.title,
      level: rule.level,
      status: rule.status,
      tags: rule.tags,
      author: rule.author,
      rule,
      correlationType: rule.correlationType,
      correlationOnly: corr.correlationOnly,
      group: Object.fromEntries(rule.groupBy.map((f, i) => [f, g.values[i]!])),
      count: g.buckets.count,
      firstTime: g.buckets.first,
      lastTime: g.buckets.last,
      ...g.measure(metric, c),
      matches: refs.length > this.limits.maxRefs ? refs.slice(refs.length - this.limits.maxRefs) : refs,
    };
    this.counters.alerts++;
    out.push(alert);
    // The inner alert's group is all an outer correlation can read from it (checked when planning).
    for (const consumer of corr.consumers) {
      this.feed(consumer, alert.lastTime, alert, alert.matches, (f) => alert.group[f], out);
    }
  }
}

const isTemporal = (corr: CompiledCorrelation): boolean => corr.rule.correlationType === 'temporal' || corr.rule.correlationType === 'temporal_ordered';

/** A field value as group-by / distinct-value text; undefined when absent. */
function textOf(v: unknown): string | undefined {
  if (v === undefined || v === null) return undefined;
  if (Array.isArray(v)) {
    if (v.length === 0) return undefined;
    if (v.length === 1) return textOf(v[0]);
  } else if (typeof v === 'object') {
    // XML-shaped values ({"#text": ...}) group on their text, as the matchers read them.
    const text = (v as Record<string, unknown>)['#text'];
    if (text !== undefined) return textOf(text);
  }
  const s = typeof v === 'string' ? v : typeof v === 'object' ? JSON.stringify(v) : String(v);
  return s.length > MAX_VALUE_CHARS ? s.slice(0, MAX_VALUE_CHARS) : s;
}

function numberOf(v: unknown): number | undefined {
  if (typeof v === 'number') return Number.isFinite(v) ? v : undefined;
  if (typeof v === 'string' && v.trim() !== '') {
    const n = Number(v);
    return Number.isFinite(n) ? n : undefined;
  }
  if (Array.isArray(v) && v.length === 1) return numberOf(v[0]);
  if (v !== null && typeof v === 'object') {
    const text = (v as Record<string, unknown>)['#text'];
    if (text !== undefined) return numberOf(text);
  }
  return undefined;
}
