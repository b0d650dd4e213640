import { GroupState, type Contribution, type Limits, type Measure } from './state.js';
import type { MatchRef } from './types.js';

/** temporal: the newest time each listed rule matched; the window is the group's newest time minus the timespan. */
export class TemporalState extends GroupState {
  private readonly lastSeen: number[];
  private cutoff = -Infinity;

  constructor(values: string[], limits: Limits, positions: number) {
    super(values, limits);
    this.lastSeen = new Array<number>(positions).fill(-Infinity);
  }

  protected insert(c: Contribution): void {
    for (const p of c.positions) this.lastSeen[p] = Math.max(this.lastSeen[p]!, c.time);
  }

  protected expire(cutoff: number): void {
    this.cutoff = cutoff;
  }

  metric(): number {
    return this.lastSeen.filter((t) => t > -Infinity && t >= this.cutoff).length;
  }

  finalMetric(): number {
    return this.metric();
  }

  measure(metric: number): Measure {
    return { distinct: metric };
  }
}

interface Chain {
  start: number;
  /** The event that filled the chain's last position. */
  lastKey: object;
  parts: Contribution[];
}

/** The chain with the latest start, and the best one ending in a different event. */
interface Slot {
  best: Chain;
  alt?: Chain;
}

/**
 * temporal_ordered: for each prefix length k of the rule list, the in-order chain completing it
 * that started latest (a later start can only help a later event stay within the timespan).
 * `alt` keeps the best chain ending in another event, because the same event must not fill two
 * consecutive positions and the best chain might end in exactly the event being added. Events are
 * stepped in time order; one arriving older than the last stepped event replays the kept history.
 */
export class OrderedState extends GroupState {
  private history: Contribution[] = [];
  private slots: (Slot | undefined)[] = [];
  private stepTime = -Infinity;
  private completed = 0;
  private completedChain?: Chain;

  constructor(
    values: string[],
    limits: Limits,
    private readonly positions: number,
    private readonly timespan: number,
  ) {
    super(values, limits);
  }

  protected insert(c: Contribution): void {
    const h = this.history;
    let i = h.length;
    while (i > 0 && h[i - 1]!.time > c.time) i--;
    h.splice(i, 0, c);
    if (h.length > this.limits.maxEvents) {
      h.shift();
      this.limits.stats.droppedEntries++;
    }
    this.completed = 0;
    this.completedChain = undefined;
    if (c.time >= this.stepTime) {
      this.step(c);
      return;
    }
    this.slots = [];
    this.stepTime = -Infinity;
    for (const x of h) this.step(x);
  }

  private step(c: Contribution): void {
    this.stepTime = Math.max(this.stepTime, c.time);
    // Highest position first, so a contribution filling positions p and p+1 cannot chain with itself.
    for (const p of [...c.positions].sort((a, b) => b - a)) {
      let chain: Chain | undefined;
      if (p === 0) chain = { start: c.time, lastKey: c.key, parts: [c] };
      else {
        const slot = this.slots[p];
        const prev = slot && (slot.best.lastKey !== c.key ? slot.best : slot.alt);
        if (prev && prev.start >= c.time - this.timespan) chain = { start: prev.start, lastKey: c.key, parts: [...prev.parts, c] };
      }
      if (!chain) continue;
      this.offer(p + 1, chain);
      if (p + 1 > this.completed) {
        this.completed = p + 1;
        this.completedChain = chain;
      }
    }
  }

  private offer(k: number, chain: Chain): void {
    const slot = this.slots[k];
    if (!slot) this.slots[k] = { best: chain };
    else if (chain.lastKey === slot.best.lastKey) {
      if (chain.start >= slot.best.start) slot.best = chain;
    } else if (chain.start >= slot.best.start) {
      slot.alt = slot.best;
      slot.best = chain;
    } else if (!slot.alt || chain.start > slot.alt.start) slot.alt = chain;
  }

  protected expire(cutoff: number): void {
    while (this.history.length > 0 && this.history[0]!.time < cutoff) this.history.shift();
    for (let k = 1; k < this.slots.length; k++) {
      const slot = this.slots[k];
      if (!slot) continue;
      if (slot.best.start < cutoff) this.slots[k] = undefined;
      else if (slot.alt && slot.alt.start < cutoff) slot.alt = undefined;
    }
  }

  /** Longest prefix completed by the contribution just added (by the replay, for a late one). */
  metric(): number {
    return this.completed;
  }

  finalMetric(): number {
    for (let k = this.positions; k > 0; k--) if (this.slots[k]) return k;
    return 0;
  }

  measure(metric: number): Measure {
    const chain = this.chainFor(metric);
    if (!chain) return { distinct: metric };
    return { distinct: metric, firstTime: chain.start, lastTime: chain.parts[chain.parts.length - 1]!.time };
  }

  override alertRefs(_c?: Contribution, metric = this.completed): MatchRef[] {
    const chain = this.chainFor(metric);
    return chain ? chain.parts.flatMap((p) => p.refs) : super.alertRefs();
  }

  private chainFor(k: number): Chain | undefined {
    if (k === this.completed && this.completedChain) return this.completedChain;
    return this.slots[k]?.best;
  }
}
