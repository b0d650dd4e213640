import { OverloadedError, type IngestOutcome, type IngestSink } from '../types.js';
import type { Batch } from './batcher.js';
import type { ListenerStats } from './stats.js';

function tally(stats: ListenerStats, outcomes: readonly IngestOutcome[]): void {
  for (const o of outcomes) {
    if (o.ok) stats.value.stored++;
    else stats.value.rejected++;
  }
}

function reasonOf(err: unknown): string {
  return err instanceof OverloadedError ? 'overloaded' : 'sink-error';
}

/** Shared by both deliveries: submits in flight, so `close()` can wait for them. */
abstract class Delivery {
  protected inflight = 0;
  private idleWaiters: Array<() => void> = [];

  constructor(protected readonly sink: IngestSink, protected readonly stats: ListenerStats, protected readonly maxInflight: number) {}

  protected submit(batch: Batch): Promise<IngestOutcome[]> {
    try {
      return this.sink.submit(batch.inputs, { source: this.stats.value.source, profile: batch.profile, receivedAt: batch.receivedAt });
    } catch (err) {
      // A sink that throws instead of rejecting must not take the socket handler down with it.
      return Promise.reject(err);
    }
  }

  protected abstract get pending(): number;

  /** Resolves once nothing is queued or in flight. */
  idle(): Promise<void> {
    if (this.pending === 0 && this.inflight === 0) return Promise.resolve();
    return new Promise((ok) => this.idleWaiters.push(ok));
  }

  protected settled(): void {
    if (this.pending !== 0 || this.inflight !== 0) return;
    const waiters = this.idleWaiters;
    this.idleWaiters = [];
    for (const w of waiters) w();
  }
}

/**
 * UDP: a sender cannot be slowed down, so a batch that the sink cannot take now is dropped and
 * counted (congested sink, too many submits in flight, or a refused submit).
 */
export class LossyDelivery extends Delivery {
  protected get pending(): number {
    return 0;
  }

  deliver(batch: Batch): void {
    const n = batch.inputs.length;
    if (this.sink.congested) return this.stats.drop(n, 'congested');
    if (this.inflight >= this.maxInflight) return this.stats.drop(n, 'backlog');
    this.inflight++;
    this.submit(batch).then(
      (outcomes) => tally(this.stats, outcomes),
      (err: unknown) => this.stats.drop(n, reasonOf(err)),
    ).finally(() => {
      this.inflight--;
      this.settled();
    });
  }
}

/**
 * TCP: nothing read is dropped for load. Batches queue here in arrival order and go to the sink
 * while it is not congested; `backlogged` tells the listener to stop reading its sockets, and
 * `onChange` says when that may have changed. A submit refused for overload is retried, first in
 * line, once the sink drains.
 */
export class StreamDelivery extends Delivery {
  private readonly queue: Batch[] = [];
  private waiting = false;
  private retryTimer: NodeJS.Timeout | undefined;
  private stopped = false;

  constructor(
    sink: IngestSink,
    stats: ListenerStats,
    maxInflight: number,
    private readonly onChange: () => void,
    private readonly log: (line: string) => void,
  ) {
    super(sink, stats, maxInflight);
  }

  protected get pending(): number {
    return this.queue.length;
  }

  /** True while more read data would only pile up here: the listener pauses its sockets. */
  get backlogged(): boolean {
    return this.waiting || this.queue.length >= this.maxInflight || this.sink.congested;
  }

  deliver(batch: Batch): void {
    this.queue.push(batch);
    this.pump();
  }

  /** Gives up on what is still queued (at close, after the timeout): counted as dropped 'shutdown'. */
  abandon(): void {
    this.stopped = true;
    if (this.retryTimer) clearTimeout(this.retryTimer);
    const n = this.queue.reduce((sum, b) => sum + b.inputs.length, 0);
    this.queue.length = 0;
    this.stats.drop(n, 'shutdown');
    this.settled();
  }

  private pump(): void {
    while (!this.stopped && !this.waiting && this.queue.length > 0 && this.inflight < this.maxInflight) {
      if (this.sink.congested) {
        this.waitForDrain(0);
        break;
      }
      this.send(this.queue.shift()!);
    }
    this.onChange();
  }

  private waitForDrain(delayMs: number): void {
    this.waiting = true;
    this.sink.onDrain(() => {
      // A refused batch waits a little even when the sink says it has room, so a batch the sink can
      // never take does not spin.
      this.retryTimer = setTimeout(() => {
        this.retryTimer = undefined;
        this.waiting = false;
        this.pump();
      }, delayMs);
    });
  }

  private send(batch: Batch): void {
    this.inflight++;
    this.submit(batch).then(
      (outcomes) => tally(this.stats, outcomes),
      (err: unknown) => {
        if (err instanceof OverloadedError && !this.stopped) {
          this.queue.unshift(batch);
          if (!this.waiting) this.waitForDrain(Math.min(1000, Math.max(20, err.retryAfterSeconds * 100)));
          return;
        }
        this.stats.drop(batch.inputs.length, reasonOf(err));
        this.log(`vigil: ${this.stats.value.source}: the ingest pipeline failed a batch of ${batch.inputs.length}: ${err instanceof Error ? err.message : String(err)}`);
      },
    ).finally(() => {
      this.inflight--;
      this.pump();
      this.settled();
    });
  }
}
