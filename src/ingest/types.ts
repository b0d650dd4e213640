/**
 * The seam between receivers (HTTP routes, syslog listeners) and the ingest pipeline. A receiver
 * parses its wire format into ProfileInputs and submits them; the pipeline normalizes, stores
 * (durably, group-committed) and hands stored events to detection.
 */
import type { ProfileInput } from '../formats/profiles/types.js';

/** Where a batch came from: counters and metrics are kept per `source`. */
export interface SourceInfo {
  /** Receiver kind: 'http', 'bulk', 'hec', 'syslog-udp', 'syslog-tcp', 'syslog-tls', ... */
  source: string;
  /** Source profile forced by the token or listener; detected per input when absent. */
  profile?: string;
  /** Epoch ms when the bytes arrived (receipt time for the receipt-to-alert latency). */
  receivedAt: number;
  /**
   * One client-given key per input (an Elasticsearch `_id`, a batch id plus the line): an input whose
   * key was stored before is not stored again, and answers with the ids stored the first time, so a
   * batch retried after a crash or a lost answer lands exactly once.
   */
  dedupKeys?: readonly (string | undefined)[];
  /** Namespace of the keys (e.g. the token and index); default `source`. */
  dedupScope?: string;
}

/** What one submitted input became: the stored ids (a CloudTrail file can give several) or why it was refused. */
export type IngestOutcome = { ok: true; ids: number[] } | { ok: false; reason: string };

/** Thrown (or rejected) by `submit` when the queue is full; HTTP answers 429/503 with Retry-After. */
export class OverloadedError extends Error {
  constructor(readonly retryAfterSeconds: number, message = 'ingest queue is full') {
    super(message);
    this.name = 'OverloadedError';
  }
}

/**
 * Rejected by `submit` when the store could not commit the batch (or ingest is shutting down): nothing
 * of it was stored or acknowledged. A kind of overload, so receivers that back off on overload also
 * back off here; HTTP answers 503 instead of 429.
 */
export class StoreUnavailableError extends OverloadedError {
  constructor(retryAfterSeconds: number, message = 'the event store could not commit the batch') {
    super(retryAfterSeconds, message);
    this.name = 'StoreUnavailableError';
  }
}

export interface IngestSink {
  /**
   * Queues the inputs; resolves once every accepted event is committed to the store (durable), with
   * one outcome per input in order. Rejects with OverloadedError without queuing anything when the
   * queue cannot take the batch.
   */
  submit(inputs: readonly ProfileInput[], info: SourceInfo): Promise<IngestOutcome[]>;
  /** True while the queue is above its high-water mark: stream receivers (TCP) should pause reading. */
  readonly congested: boolean;
  /** Calls `fn` once the queue has drained below its low-water mark (immediately when not congested). */
  onDrain(fn: () => void): void;
  /** Counts events a receiver dropped before submitting (UDP overflow, oversize frames, parse failures). */
  countDropped(source: string, n: number, reason: string): void;
}
