/** Events: append, read back, search, scan, retention. */
import type { LogSource } from '../../core/event.js';
import type { EcsCore } from '../../formats/profiles/types.js';
import type { CompiledQuery } from '../../query/sql/compile.js';
import type { TimeRange } from '../../query/time.js';

/** An event to append: the normalized core, its log source and the original object (kept unchanged). */
export interface NewEvent {
  core: EcsCore;
  logsource: LogSource;
  original: Record<string, unknown>;
  profile: string;
  originalText?: string;
  /**
   * Client id of the item this event came from (an Elasticsearch `_bulk` `_id`, a batch id), scoped by
   * `source` (e.g. the token or listener). An event whose key was stored before is not stored again:
   * a batch retried after a crash lands once. One item may yield several events; they are told apart
   * by their order within the batch.
   */
  dedup?: { source: string; id: string };
  /** The event's JSON text when the caller made it already (ingest reuses it for detection); else the store makes it. */
  json?: EventJson;
}

/**
 * JSON texts of an event's `core`, `logsource` and `original`, made once, stored and handed on: JSON.parse
 * of each gives that object. `core` and `logsource` are JSON.stringify's; `original` may be the text the
 * event arrived as (an NDJSON line with its number spellings; never text that repeats a key).
 */
export interface EventJson {
  core: string;
  logsource: string;
  original: string;
}

export interface AppendResult {
  /** Event ids in input order; for duplicates, the id stored the first time. */
  ids: number[];
  /** Input positions that were already stored (same dedup key), not stored again. */
  duplicates: number[];
}

export interface ScanOptions {
  /** Events per yielded batch (default 1000, at most 10000). */
  batchSize?: number;
}

export interface RetentionPolicy {
  /** Drop partitions whose every event was received at least this many days ago (>= 1). */
  maxAgeDays?: number;
  /** Drop the oldest partitions while the store uses more than this many MB. */
  maxSizeMB?: number;
  /**
   * Give freed space back to the file system (default true). It moves newer pages into the holes, so
   * it costs about as much I/O as the space freed; with false, freed pages are reused by new events.
   */
  returnSpace?: boolean;
}

export interface RetentionReport {
  dropped: { day: string; rows: number; reason: 'age' | 'size' }[];
  /** Bytes in use by the store before and after (pages in use, not the file size). */
  usedBytesBefore: number;
  usedBytesAfter: number;
  /** The size limit is still exceeded: only the partition being written is left and it is never dropped for size. */
  overSizeLimit: boolean;
  /** Sentences for the log, e.g. why the size limit could not be met. */
  warnings: string[];
}

export interface PartitionInfo {
  /** UTC day of receipt, YYYY-MM-DD. */
  day: string;
  rows: number;
  minId: number;
  maxId: number;
  /** Event-time bounds (epoch ms) of the rows. */
  minTs: number;
  maxTs: number;
}

export interface StoredEvent {
  id: number;
  /** Event time, epoch ms (the ingest time when the event carried none). */
  ts: number;
  ingested: number;
  core: EcsCore;
  logsource: LogSource;
  profile: string;
  original: Record<string, unknown>;
}

export type SearchResult =
  | { kind: 'events'; events: StoredEvent[] }
  | { kind: 'rows'; columns: string[]; rows: Record<string, unknown>[] };

export interface EventStore {
  /** Appends the batch atomically (one transaction); returns the ids in input order (see appendBatch). */
  append(events: readonly NewEvent[], now?: number): number[];
  /** Appends the batch atomically, skipping events whose dedup key is already stored. */
  appendBatch(events: readonly NewEvent[], now?: number): AppendResult;
  getEvent(id: number): StoredEvent | undefined;
  /** Runs a hunt query compiled against DEFAULT_SCHEMA over the stored events of its range. */
  search(query: CompiledQuery): SearchResult;
  /**
   * Resolves once every event committed before the call is visible to `query`'s full-text terms (at
   * once when the store indexes full text in the append transaction or the query has none), or after
   * `timeoutMs`. search() is correct without it (it indexes what is missing itself, blocking the
   * caller); awaiting it first lets a server wait for a background indexer instead.
   */
  whenIndexed?(timeoutMs: number, query?: CompiledQuery): Promise<void>;
  /**
   * Stored events with `range.from <= ts < range.to`, in id order, a batch at a time (bounded memory).
   * Each batch is read when the iterator advances, so a caller may await between batches. Events
   * appended after the scan started are not part of it.
   */
  scan(range: TimeRange, options?: ScanOptions): Iterable<StoredEvent[]>;
  /** Drops whole partitions that the policy no longer keeps and returns their space. */
  applyRetention(policy: RetentionPolicy, now?: number): RetentionReport;
  partitions(): PartitionInfo[];
}
