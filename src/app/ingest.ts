/**
 * The in-process detection stage: runs the synchronous Detector over committed events on the main
 * thread, in chunks scheduled after I/O so acknowledgements go out first. Its backlog is bounded by
 * `congested`, which makes the pipeline pause commits (and so push back on receivers). A worker-thread
 * stage with the same DetectionConsumer shape can replace it.
 */
import type { Detector } from '../detect/detector.js';
import type { AlertObservation, DetectionConsumer, DetectionObserver, PipelineEvent } from '../ingest/pipeline-types.js';
import type { Stores } from '../storage/ports.js';

export interface SyncDetectionOptions {
  /** Backlog (events) above which the stage is congested; default 20,000. */
  maxBacklog?: number;
  /** Also congested while the oldest waiting event was received longer ago than this; default 1000 ms. */
  maxLagMs?: number;
  /** Events detected per turn of the event loop (one alert-store transaction); default 1,000. */
  chunk?: number;
  clock?: () => number;
  onError?: (message: string, err: unknown) => void;
}

export class SyncDetectionStage implements DetectionConsumer {
  private readonly backlog: PipelineEvent[] = [];
  private head = 0;
  private scheduled = false;
  private drainWaiters: (() => void)[] = [];
  private idleWaiters: (() => void)[] = [];
  private readonly maxBacklog: number;
  private readonly maxLagMs: number;
  private readonly chunk: number;
  private readonly clock: () => number;
  private readonly onError: (message: string, err: unknown) => void;

  constructor(
    private readonly detector: Detector,
    private readonly stores: Pick<Stores, 'transaction'>,
    private readonly observer?: DetectionObserver,
    options: SyncDetectionOptions = {},
  ) {
    this.maxBacklog = options.maxBacklog ?? 20_000;
    this.maxLagMs = options.maxLagMs ?? 1000;
    this.chunk = options.chunk ?? 1000;
    this.clock = options.clock ?? Date.now;
    this.onError = options.onError ?? (() => {});
  }

  get pending(): number {
    return this.backlog.length - this.head;
  }

  /** Bounded by count and by age, so receipt-to-alert time stays bounded when detection is the bottleneck. */
  get congested(): boolean {
    const pending = this.pending;
    return pending > this.maxBacklog || (pending > 0 && this.clock() - this.backlog[this.head]!.receivedAt > this.maxLagMs);
  }

  onDrain(fn: () => void): void {
    if (this.congested) this.drainWaiters.push(fn);
    else fn();
  }

  push(events: readonly PipelineEvent[]): void {
    for (const e of events) this.backlog.push(e);
    this.schedule();
  }

  close(): Promise<void> {
    return new Promise((ok) => {
      if (this.pending === 0) ok();
      else this.idleWaiters.push(ok);
    });
  }

  private schedule(): void {
    if (this.scheduled || this.pending === 0) return;
    this.scheduled = true;
    setImmediate(() => this.run());
  }

  private run(): void {
    this.scheduled = false;
    const end = Math.min(this.backlog.length, this.head + this.chunk);
    const slice = this.backlog.slice(this.head, end);
    this.head = end;
    if (this.head === this.backlog.length) {
      this.backlog.length = 0;
      this.head = 0;
    } else if (this.head > 65_536 && this.head * 2 > this.backlog.length) {
      this.backlog.splice(0, this.head);
      this.head = 0;
    }
    const observations: AlertObservation[] = [];
    try {
      const now = this.clock();
      this.stores.transaction(() => {
        for (const event of slice) {
          for (const o of this.detector.process([event], now)) {
            observations.push({ level: o.alert.level, created: o.created, latencyMs: this.clock() - event.receivedAt });
          }
        }
      });
    } catch (err) {
      // The events are stored; only their alerts are lost, and the failure is reported.
      this.onError(`detection: ${slice.length} events not detected`, err);
      observations.length = 0;
    }
    if (observations.length) this.observer?.alerts(observations);
    if (!this.congested) for (const fn of this.drainWaiters.splice(0)) fn();
    if (this.pending > 0) this.schedule();
    else for (const ok of this.idleWaiters.splice(0)) ok();
  }
}
