import type { CorrelationStats, MatchRef } from './types.js';

/** What one base match or inner correlation alert brings to a correlation. */
export interface Contribution {
  /** The event object (or inner alert): one event may not fill two consecutive ordered positions. */
  key: object;
  time: number;
  /** Indices into the correlation's `rules` the contribution fills. */
  positions: number[];
  refs: MatchRef[];
  /** value_sum / value_avg: the numeric field value. */
  num?: number;
  /** value_count / value_percentile: the field value (a tuple for several value_count fields). */
  value?: string;
}

export interface Measure {
  distinct?: number;
  sum?: number;
  avg?: number;
  percentile?: number;
  value?: string;
  /** When the measured events span less than the group's window (a temporal_ordered chain). */
  firstTime?: number;
  lastTime?: number;
}

export interface Limits {
  maxEvents: number;
  maxRefs: number;
  stats: Pick<CorrelationStats, 'mergedEntries' | 'droppedEntries'>;
}

interface Bucket {
  first: number;
  last: number;
  count: number;
  sum: number;
}

/**
 * Time-ordered event buckets. Each event has its own bucket until the cap, then the two adjacent
 * buckets spanning the least time merge: count and sum stay exact, and a merged bucket leaves the
 * window only when its newest event does (expiry at the window edge gets coarse, never counts).
 */
export class Buckets {
  private items: Bucket[] = [];
  count = 0;
  sum = 0;

  constructor(private readonly limits: Limits) {}

  get first(): number {
    return this.items[0]?.first ?? Infinity;
  }

  get last(): number {
    return this.items[this.items.length - 1]?.last ?? -Infinity;
  }

  add(time: number, num: number): void {
    this.count++;
    this.sum += num;
    const items = this.items;
    let i = items.length;
    while (i > 0 && items[i - 1]!.first > time) i--;
    const prev = items[i - 1];
    if (prev && prev.last >= time) {
      prev.count++;
      prev.sum += num;
      return;
    }
    items.splice(i, 0, { first: time, last: time, count: 1, sum: num });
    if (items.length > this.limits.maxEvents) this.mergeClosest();
  }

  private mergeClosest(): void {
    const items = this.items;
    let best = 0;
    for (let i = 1; i < items.length - 1; i++) {
      if (items[i + 1]!.last - items[i]!.first < items[best + 1]!.last - items[best]!.first) best = i;
    }
    const a = items[best]!;
    const b = items[best + 1]!;
    items.splice(best, 2, { first: a.first, last: b.last, count: a.count + b.count, sum: a.sum + b.sum });
    this.limits.stats.mergedEntries++;
  }

  prune(cutoff: number): void {
    const items = this.items;
    while (items.length > 0 && items[0]!.last < cutoff) {
      const b = items.shift()!;
      this.count -= b.count;
      this.sum -= b.sum;
    }
    // Subtracting floats drifts; an empty window is exactly zero again.
    if (items.length === 0) this.sum = 0;
  }
}

/** The newest references in time order, at most `maxRefs`. */
export class RefList {
  items: MatchRef[] = [];

  constructor(private readonly maxRefs: number) {}

  add(refs: MatchRef[]): void {
    for (const ref of refs) {
      const items = this.items;
      let i = items.length;
      while (i > 0 && items[i - 1]!.time > ref.time) i--;
      items.splice(i, 0, ref);
      if (items.length > this.maxRefs) items.shift();
    }
  }

  prune(cutoff: number): void {
    while (this.items.length > 0 && this.items[0]!.time < cutoff) this.items.shift();
  }
}

/** The state of one group of one correlation. Subclasses add what their correlation type measures. */
export abstract class GroupState {
  readonly buckets: Buckets;
  readonly refs: RefList;
  /** Newest contribution time seen (sliding windows end here). */
  newest = -Infinity;
  /** Deferred conditions: when the open window started. */
  windowStart = Infinity;

  constructor(
    readonly values: string[],
    protected readonly limits: Limits,
  ) {
    this.buckets = new Buckets(limits);
    this.refs = new RefList(limits.maxRefs);
  }

  add(c: Contribution): void {
    this.newest = Math.max(this.newest, c.time);
    this.buckets.add(c.time, c.num ?? 0);
    this.refs.add(c.refs);
    this.insert(c);
  }

  prune(cutoff: number): void {
    this.buckets.prune(cutoff);
    this.refs.prune(cutoff);
    this.expire(cutoff);
  }

  protected abstract insert(c: Contribution): void;
  protected abstract expire(cutoff: number): void;
  /** The number the condition tests once `c` was added to a sliding window. */
  abstract metric(c: Contribution): number;
  /** The number the condition tests when a deferred window closes. */
  abstract finalMetric(): number;
  abstract measure(metric: number, c?: Contribution): Measure;

  alertRefs(_c?: Contribution, _metric?: number): MatchRef[] {
    return [...this.refs.items];
  }

  /** Whether firing empties the group (one burst, one alert). */
  get resetsOnAlert(): boolean {
    return true;
  }

  canFire(_c: Contribution): boolean {
    return true;
  }

  fired(_c: Contribution): void {}
}

/** event_count, value_sum, value_avg: everything they need is in the buckets. */
export class CountState extends GroupState {
  constructor(
    values: string[],
    limits: Limits,
    private readonly kind: 'event_count' | 'value_sum' | 'value_avg',
  ) {
    super(values, limits);
  }

  protected insert(): void {}
  protected expire(): void {}

  metric(): number {
    const b = this.buckets;
    if (this.kind === 'value_sum') return b.sum;
    if (this.kind === 'value_avg') return b.count === 0 ? 0 : b.sum / b.count;
    return b.count;
  }

  finalMetric(): number {
    return this.metric();
  }

  measure(): Measure {
    const b = this.buckets;
    if (this.kind === 'event_count') return {};
    return { sum: b.sum, avg: b.count === 0 ? 0 : b.sum / b.count };
  }
}

/** value_count: each distinct value with the last time it was seen, in (mostly) that order. */
export class DistinctState extends GroupState {
  private readonly seen = new Map<string, number>();
  /** A late value sits out of order in `seen` until the window has moved past this time. */
  private unorderedUntil = -Infinity;

  protected insert(c: Contribution): void {
    const value = c.value!;
    const prev = this.seen.get(value);
    if (prev !== undefined && prev >= c.time) return;
    this.seen.delete(value);
    this.seen.set(value, c.time);
    if (c.time < this.newest) this.unorderedUntil = this.newest;
    if (this.seen.size > this.limits.maxEvents) {
      this.seen.delete(this.seen.keys().next().value!);
      this.limits.stats.droppedEntries++;
    }
  }

  protected expire(cutoff: number): void {
    const full = cutoff <= this.unorderedUntil;
    for (const [value, time] of this.seen) {
      if (time < cutoff) this.seen.delete(value);
      else if (!full) break;
    }
  }

  metric(): number {
    return this.seen.size;
  }

  finalMetric(): number {
    return this.seen.size;
  }

  measure(metric: number): Measure {
    return { distinct: metric };
  }
}

/**
 * value_percentile as rarity: the share in percent of the group's window (the events up to this
 * one, within the timespan) whose value equals this event's value. `lte: 1` therefore flags a value
 * seen in at most 1% of the group's recent events.
 */
export class PercentileState extends GroupState {
  private readonly entries: { time: number; value: string }[] = [];
  private readonly counts = new Map<string, number>();
  /** Last alert time per value: a rare value alerts once per timespan, not on each repetition. */
  private readonly alerted = new Map<string, number>();
  private lastCutoff = -Infinity;

  protected insert(c: Contribution): void {
    const entries = this.entries;
    let i = entries.length;
    while (i > 0 && entries[i - 1]!.time > c.time) i--;
    entries.splice(i, 0, { time: c.time, value: c.value! });
    this.counts.set(c.value!, (this.counts.get(c.value!) ?? 0) + 1);
    if (entries.length > this.limits.maxEvents) {
      this.drop();
      this.limits.stats.droppedEntries++;
    }
  }

  private drop(): void {
    const e = this.entries.shift()!;
    const n = this.counts.get(e.value)! - 1;
    if (n === 0) this.counts.delete(e.value);
    else this.counts.set(e.value, n);
  }

  protected expire(cutoff: number): void {
    this.lastCutoff = cutoff;
    while (this.entries.length > 0 && this.entries[0]!.time < cutoff) this.drop();
    for (const [value, time] of this.alerted) {
      if (time < cutoff) this.alerted.delete(value);
      else break;
    }
  }

  metric(c: Contribution): number {
    return this.entries.length === 0 ? 0 : ((this.counts.get(c.value!) ?? 0) / this.entries.length) * 100;
  }

  finalMetric(): number {
    return NaN;
  }

  measure(metric: number, c?: Contribution): Measure {
    return { percentile: metric, value: c?.value };
  }

  override alertRefs(c?: Contribution): MatchRef[] {
    return c ? [...c.refs] : [];
  }

  override get resetsOnAlert(): boolean {
    return false;
  }

  override canFire(c: Contribution): boolean {
    const t = this.alerted.get(c.value!);
    return t === undefined || t < this.lastCutoff;
  }

  override fired(c: Contribution): void {
    this.alerted.delete(c.value!);
    this.alerted.set(c.value!, c.time);
    if (this.alerted.size > this.limits.maxEvents) this.alerted.delete(this.alerted.keys().next().value!);
  }
}
