/**
 * The pipeline's outward shapes: what it hands stored events to (a detection stage), what it reports
 * to (metrics), and its bounds. Kept apart from pipeline.ts so detection stages and metrics can
 * implement them without importing the pipeline.
 */
import type { EventObject, LogSource } from '../core/event.js';
import type { EcsCore } from '../formats/profiles/types.js';
import type { EventJson } from '../storage/ports.js';

/** A committed event on its way to detection. */
export interface PipelineEvent {
  id: number;
  core: EcsCore;
  logsource: LogSource;
  original: EventObject;
  /** Epoch ms when its bytes arrived (for receipt-to-alert latency). */
  receivedAt: number;
  /** Its JSON text as stored: detection hands this to its worker instead of cloning the objects. */
  json?: EventJson;
}

/**
 * Where committed events go. `push` must not throw for bad events (count and skip them); it may queue
 * and work later. While `congested` is true the pipeline stops committing (its own bounded queue then
 * fills and pushes back on receivers), so detection backlog never grows without bound.
 */
export interface DetectionConsumer {
  push(events: readonly PipelineEvent[]): void;
  readonly congested?: boolean;
  /** Calls `fn` once no longer congested; when absent the pipeline polls `congested`. */
  onDrain?(fn: () => void): void;
  /** Finishes queued work; called by the pipeline's close() after its own queue drained. */
  close?(): Promise<void> | void;
}

/** One alert raised (created) or grouped into an open alert, as a detection stage reports it. */
export interface AlertObservation {
  level: string | null;
  created: boolean;
  /** Milliseconds from the event's receipt to the alert being recorded. */
  latencyMs: number;
}

/** The callback a detection stage reports to (metrics implements it). */
export interface DetectionObserver {
  alerts(observations: readonly AlertObservation[]): void;
}

/** What the pipeline reports (metrics implements it); called once per batch, never per event. */
export interface IngestObserver {
  received(source: string, n: number): void;
  stored(source: string, n: number): void;
  rejected(source: string, n: number): void;
  dropped(source: string, n: number, reason: string): void;
  queueDepth(events: number): void;
  commit(seconds: number, events: number): void;
}

export interface PipelineOptions {
  /** Most events waiting for a commit; default 100,000. */
  maxQueuedEvents?: number;
  /** Most (estimated) bytes waiting for a commit; default 256 MiB. */
  maxQueuedBytes?: number;
  /** Refuse new submissions while the oldest queued one has waited longer than this; default 2000 ms. */
  maxQueueAgeMs?: number;
  /** Fraction of either bound above which the pipeline is congested; default 0.8. */
  highWater?: number;
  /** Fraction of both bounds below which it drains again; default 0.5. */
  lowWater?: number;
  /** Most events in one transaction (whole submissions are never split); default 20,000. */
  maxCommitEvents?: number;
  /** Least Retry-After given to refused senders (more when the queue drains slowly); default 1 s. */
  retryAfterSeconds?: number;
  clock?: () => number;
  /** Diagnostics (store and detection failures); never receives event payloads. */
  onError?: (message: string, err: unknown) => void;
}

/** Counters of one source, as kept by the pipeline. */
export interface SourceCounters {
  received: number;
  stored: number;
  rejected: number;
  dropped: Record<string, number>;
}
