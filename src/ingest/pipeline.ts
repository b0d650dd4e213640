/**
 * The ingest pipeline behind every receiver: normalize with the source profiles, queue (bounded), and
 * group-commit everything queued into one store transaction as soon as the previous commit finished.
 * Coalescing many small submissions into few large transactions is what makes durable ingest fast.
 * A submitter's promise resolves only after its events are committed; committed events then go to
 * detection.
 */
import { errorMessage } from '../core/errors.js';
import { normalize } from '../formats/profiles/registry.js';
import type { ProfileInput } from '../formats/profiles/types.js';
import type { EventStore, NewEvent } from '../storage/ports.js';
import { serializeEvent } from './event-json.js';
import { estimateBytes } from './pipeline-size.js';
import type {
  DetectionConsumer, IngestObserver, PipelineEvent, PipelineOptions, SourceCounters,
} from './pipeline-types.js';
import {
  OverloadedError, StoreUnavailableError, type IngestOutcome, type IngestSink, type SourceInfo,
} from './types.js';

export * from './pipeline-types.js';

/** One submit() call waiting for its commit. */
interface Submission {
  events: NewEvent[];
  /** Input index of each event, to hand the ids back to the right outcome. */
  owners: number[];
  outcomes: IngestOutcome[];
  info: SourceInfo;
  bytes: number;
  /** clock() when queued: the queue's age bound reads the head's. */
  queuedAt: number;
  resolve(outcomes: IngestOutcome[]): void;
  reject(err: Error): void;
}

const DETECTION_POLL_MS = 2;

export class IngestPipeline implements IngestSink {
  private readonly maxEvents: number;
  private readonly maxBytes: number;
  private readonly high: number;
  private readonly low: number;
  private readonly maxCommitEvents: number;
  private readonly retryAfterDefault: number;
  private readonly maxAgeMs: number;
  private readonly clock: () => number;
  private readonly onError: (message: string, err: unknown) => void;

  private readonly queue: Submission[] = [];
  private queuedEvents = 0;
  private queuedBytes = 0;
  private scheduled = false;
  private isCongested = false;
  private drainWaiters: (() => void)[] = [];
  private idleWaiters: (() => void)[] = [];
  private closing = false;
  private closed: Promise<void> | undefined;
  private readonly counters = new Map<string, SourceCounters>();
  /** Events committed per second, smoothed; drives Retry-After. */
  private commitRate = 0;
  private commits = 0;

  constructor(
    private readonly store: Pick<EventStore, 'appendBatch'>,
    private readonly detection: DetectionConsumer | undefined,
    private readonly observer: IngestObserver | undefined,
    options: PipelineOptions = {},
  ) {
    this.maxEvents = options.maxQueuedEvents ?? 100_000;
    this.maxBytes = options.maxQueuedBytes ?? 256 * 2 ** 20;
    this.high = options.highWater ?? 0.8;
    this.low = options.lowWater ?? 0.5;
    this.maxCommitEvents = options.maxCommitEvents ?? 20_000;
    this.retryAfterDefault = options.retryAfterSeconds ?? 1;
    this.maxAgeMs = options.maxQueueAgeMs ?? 2000;
    this.clock = options.clock ?? Date.now;
    this.onError = options.onError ?? (() => {});
  }

  get congested(): boolean {
    return this.isCongested;
  }

  /** Events waiting for a commit. */
  get depth(): number {
    return this.queuedEvents;
  }

  /** Transactions committed so far. */
  get commitCount(): number {
    return this.commits;
  }

  onDrain(fn: () => void): void {
    if (this.isCongested) this.drainWaiters.push(fn);
    else fn();
  }

  countDropped(source: string, n: number, reason: string): void {
    if (n <= 0) return;
    const c = this.countersOf(source);
    c.dropped[reason] = (c.dropped[reason] ?? 0) + n;
    this.observer?.dropped(source, n, reason);
  }

  /** A copy of the per-source counters. */
  stats(): Record<string, SourceCounters> {
    const out: Record<string, SourceCounters> = {};
    for (const [source, c] of this.counters) out[source] = { ...c, dropped: { ...c.dropped } };
    return out;
  }

  submit(inputs: readonly ProfileInput[], info: SourceInfo): Promise<IngestOutcome[]> {
    if (this.closing) return Promise.reject(new StoreUnavailableError(this.retryAfterDefault, 'ingest is shutting down'));
    // A full queue refuses before spending time on normalization.
    if (this.queuedEvents >= this.maxEvents || this.queuedBytes >= this.maxBytes) {
      return Promise.reject(this.refuse(info.source, inputs.length));
    }
    // A queue that is not draining (detection or the store lags) refuses even when it has room, so
    // receipt-to-commit time stays bounded instead of growing with the queue.
    const head = this.queue[0];
    if (head && this.clock() - head.queuedAt > this.maxAgeMs) {
      return Promise.reject(this.refuse(info.source, inputs.length, `ingest queue is not draining (oldest batch waiting ${this.clock() - head.queuedAt} ms)`));
    }
    const events: NewEvent[] = [];
    const owners: number[] = [];
    const outcomes: IngestOutcome[] = new Array<IngestOutcome>(inputs.length);
    let rejected = 0;
    let bytes = 0;
    for (let i = 0; i < inputs.length; i++) {
      const input = inputs[i]!;
      try {
        const normalized = normalize(input, info.profile);
        if (normalized.length === 0) {
          outcomes[i] = { ok: false, reason: 'no event in this document' };
          rejected++;
          continue;
        }
        outcomes[i] = { ok: true, ids: [] };
        for (const n of normalized) {
          const e: NewEvent = { core: n.core, logsource: n.logsource, original: n.original, profile: n.profile };
          const { json, repeatsKeys } = serializeEvent(n, input);
          if (json) e.json = json;
          const originalText = n.originalText ?? repeatsKeys;
          if (originalText !== undefined) e.originalText = originalText;
          const key = info.dedupKeys?.[i];
          if (key !== undefined) e.dedup = { source: info.dedupScope ?? info.source, id: key };
          events.push(e);
          owners.push(i);
        }
        bytes += estimateBytes(input);
      } catch (err) {
        outcomes[i] = { ok: false, reason: errorMessage(err) };
        rejected++;
      }
    }
    if (events.length > this.maxEvents || bytes > this.maxBytes) {
      // Could never fit, however long the sender waits: say so instead of a bare "queue is full".
      return Promise.reject(this.refuse(info.source, events.length + rejected,
        `a batch of ${events.length} events (~${bytes} bytes) exceeds the ingest queue bound (${this.maxEvents} events, ${this.maxBytes} bytes); send smaller batches`));
    }
    if (this.queuedEvents + events.length > this.maxEvents || this.queuedBytes + bytes > this.maxBytes) {
      return Promise.reject(this.refuse(info.source, events.length + rejected));
    }

    const c = this.countersOf(info.source);
    c.received += events.length + rejected;
    c.rejected += rejected;
    this.observer?.received(info.source, events.length + rejected);
    if (rejected) this.observer?.rejected(info.source, rejected);
    if (events.length === 0) return Promise.resolve(outcomes);

    return new Promise<IngestOutcome[]>((resolve, reject) => {
      this.queue.push({ events, owners, outcomes, info, bytes, queuedAt: this.clock(), resolve, reject });
      this.queuedEvents += events.length;
      this.queuedBytes += bytes;
      this.observer?.queueDepth(this.queuedEvents);
      if (!this.isCongested && (this.queuedEvents > this.maxEvents * this.high || this.queuedBytes > this.maxBytes * this.high)) {
        this.isCongested = true;
      }
      this.schedule();
    });
  }

  /** Stops accepting, commits everything queued, then closes the detection consumer. */
  close(): Promise<void> {
    this.closing = true;
    this.closed ??= new Promise<void>((ok) => {
      if (this.queue.length === 0 && !this.scheduled) ok();
      else this.idleWaiters.push(ok);
    }).then(() => this.detection?.close?.());
    return this.closed;
  }

  private refuse(source: string, n: number, message?: string): OverloadedError {
    if (n > 0) this.countDropped(source, n, 'overloaded');
    // Roughly how long the queue takes to drain at the recent commit rate, at least the configured floor.
    const drain = this.commitRate > 0 ? Math.ceil(this.queuedEvents / this.commitRate) : 0;
    return new OverloadedError(Math.min(60, Math.max(1, this.retryAfterDefault, drain)), message);
  }

  private countersOf(source: string): SourceCounters {
    let c = this.counters.get(source);
    if (!c) {
      c = { received: 0, stored: 0, rejected: 0, dropped: {} };
      this.counters.set(source, c);
    }
    return c;
  }

  private schedule(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    // setImmediate runs after pending I/O, so requests that arrived meanwhile join this commit.
    setImmediate(() => this.run());
  }

  private run(): void {
    if (this.detection?.congested) {
      const resume = (): void => this.run();
      if (this.detection.onDrain) this.detection.onDrain(() => setImmediate(resume));
      else setTimeout(resume, DETECTION_POLL_MS);
      return;
    }
    this.scheduled = false;
    const batch = this.take();
    if (batch.length > 0) this.commit(batch);
    if (this.queue.length > 0) this.schedule();
    else for (const ok of this.idleWaiters.splice(0)) ok();
  }

  /** Whole submissions from the head of the queue, up to maxCommitEvents (at least one). */
  private take(): Submission[] {
    let n = 0;
    let k = 0;
    while (k < this.queue.length && (k === 0 || n + this.queue[k]!.events.length <= this.maxCommitEvents)) {
      n += this.queue[k]!.events.length;
      k++;
    }
    return this.queue.splice(0, k);
  }

  private commit(batch: Submission[]): void {
    const now = this.clock();
    const started = performance.now();
    let committed: { sub: Submission; ids: number[]; duplicates: Set<number> }[];
    const all = batch.length === 1 ? batch[0]!.events : batch.flatMap((s) => s.events);
    try {
      const { ids, duplicates } = this.store.appendBatch(all, now);
      const dup = new Set(duplicates);
      let at = 0;
      committed = batch.map((sub) => {
        const mine = ids.slice(at, at + sub.events.length);
        const dupes = new Set<number>();
        for (let k = 0; k < sub.events.length; k++) if (dup.has(at + k)) dupes.add(k);
        at += sub.events.length;
        return { sub, ids: mine, duplicates: dupes };
      });
    } catch (err) {
      // One bad submission must not fail its neighbours: retry each on its own.
      this.onError('ingest: group commit failed', err);
      committed = batch.length === 1 ? [] : this.commitEach(batch, now);
      const ok = new Set(committed.map((c) => c.sub));
      for (const sub of batch) if (!ok.has(sub)) this.fail(sub);
    }
    const seconds = (performance.now() - started) / 1000;
    let stored = 0;
    for (const { sub, duplicates } of committed) stored += sub.events.length - duplicates.size;
    let dequeuedBytes = 0;
    for (const sub of batch) {
      this.queuedEvents -= sub.events.length;
      dequeuedBytes += sub.bytes;
    }
    this.queuedBytes -= dequeuedBytes;
    this.observer?.queueDepth(this.queuedEvents);
    if (stored > 0) {
      this.commits++;
      this.observer?.commit(seconds, stored);
      const rate = stored / Math.max(seconds, 1e-3);
      this.commitRate = this.commitRate === 0 ? rate : 0.8 * this.commitRate + 0.2 * rate;
    }
    this.updateCongestion();

    const detect: PipelineEvent[] = [];
    for (const { sub, ids, duplicates } of committed) {
      const c = this.countersOf(sub.info.source);
      c.stored += ids.length - duplicates.size;
      this.observer?.stored(sub.info.source, ids.length - duplicates.size);
      ids.forEach((id, k) => {
        const o = sub.outcomes[sub.owners[k]!];
        if (o?.ok) o.ids.push(id);
        // A retried batch's events were stored (and detected) the first time.
        if (duplicates.has(k)) return;
        const e = sub.events[k]!;
        const p: PipelineEvent = { id, core: e.core, logsource: e.logsource, original: e.original, receivedAt: sub.info.receivedAt };
        if (e.json) p.json = e.json;
        detect.push(p);
      });
      sub.resolve(sub.outcomes);
    }
    if (this.detection && detect.length > 0) {
      try {
        this.detection.push(detect);
      } catch (err) {
        // The events are durable; a detection failure must not turn their ingest into an error.
        this.onError('ingest: detection failed', err);
      }
    }
  }

  private commitEach(batch: Submission[], now: number): { sub: Submission; ids: number[]; duplicates: Set<number> }[] {
    const out: { sub: Submission; ids: number[]; duplicates: Set<number> }[] = [];
    for (const sub of batch) {
      try {
        const { ids, duplicates } = this.store.appendBatch(sub.events, now);
        out.push({ sub, ids, duplicates: new Set(duplicates) });
      } catch (err) {
        this.onError(`ingest: commit of ${sub.events.length} events from '${sub.info.source}' failed`, err);
      }
    }
    return out;
  }

  private fail(sub: Submission): void {
    this.countDropped(sub.info.source, sub.events.length, 'store_failed');
    sub.reject(new StoreUnavailableError(Math.max(1, this.retryAfterDefault)));
  }

  private updateCongestion(): void {
    if (!this.isCongested) return;
    if (this.queuedEvents <= this.maxEvents * this.low && this.queuedBytes <= this.maxBytes * this.low) {
      this.isCongested = false;
      for (const fn of this.drainWaiters.splice(0)) fn();
    }
  }
}
