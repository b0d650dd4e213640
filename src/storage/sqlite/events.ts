import { statSync } from 'node:fs';
import { Worker } from 'node:worker_threads';
import type Database from 'better-sqlite3';
import { VigilError } from '../../core/errors.js';
import type { LogSource } from '../../core/event.js';
import type { EcsCore } from '../../formats/profiles/types.js';
import type { CompiledQuery, EventSource } from '../../query/sql/compile.js';
import type { TimeRange } from '../../query/time.js';
import type {
  AppendResult, EventStore, NewEvent, PartitionInfo, RetentionPolicy, RetentionReport, ScanOptions, SearchResult, StoredEvent,
} from '../ports.js';
import { FTS_SCHEMA, FtsIndexer, fullTextOf } from './fts.js';
import type { IndexerJob } from './fts-worker.js';
import { Catalog, dayName, DAY_MS, LEGACY_SOURCE, type Partition } from './partitions.js';

interface EventRow {
  id: number;
  ts: number;
  ingested: number;
  logsource: string;
  profile: string;
  core: string;
  raw: string;
}

const COLUMNS: ReadonlyArray<[keyof EcsCore, string]> = [
  ['event.code', 'event_code'], ['event.provider', 'event_provider'], ['event.dataset', 'event_dataset'],
  ['host.name', 'host_name'], ['user.name', 'user_name'], ['source.ip', 'source_ip'],
  ['destination.ip', 'destination_ip'], ['process.command_line', 'process_command_line'], ['message', 'message'],
];
const INSERT_COLUMNS = ['id', 'ts', 'ingested', ...COLUMNS.map(([, c]) => c), 'logsource', 'profile', 'core', 'original_text', 'raw'];
const STORED_COLUMNS = 'id, ts, ingested, logsource, profile, core, raw';

const MAX_DEDUP_SOURCE = 256;
const MAX_DEDUP_ID = 1024;
const MAX_SCAN_BATCH = 10_000;
// Pages freed per incremental_vacuum step: each step is its own short write, so writers interleave.
const VACUUM_STEP_PAGES = 4096;
// With the indexer thread checkpointing (PASSIVE, racing the writer), the WAL is reset only when a write
// begins after a checkpoint copied every frame, which a busy writer rarely lets happen. So every few
// commits the writer looks at the WAL file and, past WAL_RESET_BYTES, checkpoints itself: by then the
// indexer has copied all but the last few MB, so this copies the tail and the next write resets the WAL.
// journal_size_limit truncates the file at reset, so its size says how much was written since.
const WAL_RESET_BYTES = 64 * 1024 * 1024;
const WAL_CHECK_EVERY = 8;
const WAL_KEEP_BYTES = 16 * 1024 * 1024;

/** Epoch ms of the event's `@timestamp`, or `fallback` when it has none or it does not parse. */
export function eventTime(core: EcsCore, fallback: number): number {
  const t = core['@timestamp'] ? Date.parse(core['@timestamp']) : NaN;
  return Number.isFinite(t) ? t : fallback;
}

/** Text for the free-text index: the message, else every string and number of the original event. */
export function fullText(event: NewEvent): string {
  return fullTextOf(event.core.message, event.original);
}

function text(v: unknown): string | null {
  if (v === undefined || v === null) return null;
  return typeof v === 'string' ? v : String(v);
}

interface PartitionStatements {
  insert: Database.Statement;
  /** Only for partitions whose FTS table is in the events database (written with the rows). */
  fts: Database.Statement | null;
}

/**
 * Full-text indexing behind the commit (fts.ts): new partitions keep their FTS table in the FTS file,
 * filled by an indexer after the rows commit.
 */
export interface DeferredFullText {
  /** The events database with the FTS file attached: runs searches and catch-up passes. */
  reader: Database.Database;
  dbFile: string;
  ftsFile: string;
}

export interface IndexerOptions {
  /** Checkpoint the events WAL from the indexer thread at most this often (default 100 ms). */
  checkpointMs?: number;
  /** Look for rows committed by other connections this often (default 200 ms). */
  pollMs?: number;
}

interface Waiter {
  target: number;
  resolve: () => void;
  timer: NodeJS.Timeout;
}

/**
 * Events in day partitions (by day of receipt; see partitions.ts) of one SQLite database, so that a
 * batch, its catalog update and its dedup keys commit in one transaction. Safe to use from several
 * connections (processes or worker threads) on the same file: writes take the lock up front
 * (BEGIN IMMEDIATE) and read the catalog inside their transaction.
 */
export class SqliteEventStore implements EventStore {
  private readonly catalog: Catalog;
  private readonly statements = new Map<string, PartitionStatements>();
  private readonly dedupGet: Database.Statement;
  private readonly dedupPut: Database.Statement;
  private readonly appendTx: (events: readonly NewEvent[], now: number) => AppendResult;
  private readonly indexer: FtsIndexer | null;
  private worker: Worker | null = null;
  private kicked = false;
  private commits = 0;
  /** Highest event id this connection wrote; every id <= indexedThrough is in the deferred index. */
  private lastWritten = 0;
  private indexedThrough = 0;
  private indexError: string | null = null;
  private readonly waiters = new Set<Waiter>();

  constructor(private readonly db: Database.Database, private readonly fts: DeferredFullText | null = null) {
    this.catalog = new Catalog(db);
    this.indexer = fts && new FtsIndexer(fts.reader);
    this.dedupGet = db.prepare('SELECT event_id FROM dedup WHERE source = ? AND key = ? AND seq = ?').pluck();
    this.dedupPut = db.prepare('INSERT INTO dedup (source, key, seq, event_id) VALUES (?, ?, ?, ?)');
    const tx = db.transaction((events: readonly NewEvent[], now: number) => this.write(events, now));
    this.appendTx = (events, now) => {
      const result = tx.immediate(events, now);
      this.committed();
      return result;
    };
  }

  /**
   * Starts the indexer thread: deferred full-text indexing and WAL checkpoints off this thread (this
   * connection stops checkpointing on commit). Without it, a search that needs the deferred index
   * indexes what is missing itself, on the calling thread.
   */
  startIndexer(options: IndexerOptions = {}): void {
    if (!this.fts || this.worker) return;
    const job: IndexerJob = {
      dbFile: this.fts.dbFile, ftsFile: this.fts.ftsFile, checkpointMs: options.checkpointMs ?? 100, pollMs: options.pollMs ?? 200, rowsPerPass: 20_000,
    };
    const worker = new Worker(new URL('./fts-worker.js', import.meta.url), { workerData: job });
    worker.unref();
    worker.on('message', (m: { through?: number; error?: string }) => {
      this.kicked = false;
      if (m.error !== undefined) {
        this.indexError = m.error;
        return;
      }
      this.indexError = null;
      this.indexed(m.through ?? 0);
      if (this.indexedThrough < this.lastWritten) this.kick();
    });
    worker.on('error', (err) => {
      // Without the thread: searches index on their own thread, and the writer checkpoints again.
      this.indexError = err.message;
      this.worker = null;
      if (this.db.open) this.db.pragma('wal_autocheckpoint = 1000');
    });
    this.worker = worker;
    this.db.pragma('wal_autocheckpoint = 0');
    this.db.pragma(`journal_size_limit = ${WAL_KEEP_BYTES}`);
  }

  /** The last error of the indexer thread (cleared by its next good round), for health reporting. */
  indexerError(): string | null {
    return this.indexError;
  }

  /**
   * Resolves once every event committed before the call is in the full-text index (at once when
   * `query` reads no deferred index), or after `timeoutMs`; then search() indexes what is still
   * missing itself. Lets a server wait for its indexer without blocking its event loop.
   */
  whenIndexed(timeoutMs: number, query?: CompiledQuery): Promise<void> {
    if (!this.fts || !this.worker) return Promise.resolve();
    if (query && !this.plan(query).deferred) return Promise.resolve();
    const target = this.catalog.nextId() - 1;
    if (this.indexedThrough >= target) return Promise.resolve();
    this.kick();
    return new Promise((resolve) => {
      const waiter: Waiter = { target, resolve, timer: setTimeout(() => { this.waiters.delete(waiter); resolve(); }, timeoutMs) };
      waiter.timer.unref();
      this.waiters.add(waiter);
    });
  }

  /** Stops the indexer thread and closes the reader connection (the caller closes the writer). */
  close(): void {
    for (const w of this.waiters) { clearTimeout(w.timer); w.resolve(); }
    this.waiters.clear();
    this.worker?.postMessage('stop');
    this.worker = null;
    if (this.fts?.reader.open) this.fts.reader.close();
  }

  private committed(): void {
    if (!this.worker) return;
    this.kick();
    if (++this.commits % WAL_CHECK_EVERY !== 0) return;
    const wal = statSync(`${this.fts!.dbFile}-wal`, { throwIfNoEntry: false })?.size ?? 0;
    if (wal > WAL_RESET_BYTES) this.db.pragma('wal_checkpoint(PASSIVE)');
  }

  private kick(): void {
    if (!this.worker || this.kicked) return;
    this.kicked = true;
    this.worker.postMessage('kick');
  }

  private indexed(through: number): void {
    if (through <= this.indexedThrough) return;
    this.indexedThrough = through;
    for (const w of this.waiters) {
      if (w.target > through) continue;
      clearTimeout(w.timer);
      this.waiters.delete(w);
      w.resolve();
    }
  }

  /** Indexes (on this thread) whatever the deferred index still lacks of what is committed. */
  private catchUp(): void {
    if (!this.indexer) return;
    if (this.indexedThrough >= this.catalog.nextId() - 1) return;
    this.indexed(this.indexer.catchUp().through);
  }

  append(events: readonly NewEvent[], now: number = Date.now()): number[] {
    return this.appendBatch(events, now).ids;
  }

  appendBatch(events: readonly NewEvent[], now: number = Date.now()): AppendResult {
    if (events.length === 0) return { ids: [], duplicates: [] };
    if (!Number.isFinite(now)) throw new VigilError('storage.append', 'the ingest time must be a finite number of epoch ms');
    events.forEach((e, i) => {
      if (!e.dedup) return;
      const { source, id } = e.dedup;
      if (typeof source !== 'string' || typeof id !== 'string' || source.length > MAX_DEDUP_SOURCE || id.length === 0 || id.length > MAX_DEDUP_ID) {
        throw new VigilError('storage.dedup', `event ${i} of the batch: a dedup key needs a source of at most ${MAX_DEDUP_SOURCE} and an id of 1 to ${MAX_DEDUP_ID} characters`, { field: 'dedup' });
      }
    });
    return this.appendTx(events, now);
  }

  private write(events: readonly NewEvent[], now: number): AppendResult {
    const ids = new Array<number>(events.length);
    const duplicates: number[] = [];
    const fresh: number[] = [];
    const seqs = new Map<string, number>();
    const seqOf: number[] = [];
    events.forEach((e, i) => {
      if (e.dedup) {
        const k = `${e.dedup.source}\u0000${e.dedup.id}`;
        const seq = seqs.get(k) ?? 0;
        seqs.set(k, seq + 1);
        seqOf[i] = seq;
        const known = this.dedupGet.get(e.dedup.source, e.dedup.id, seq) as number | undefined;
        if (known !== undefined) {
          ids[i] = known;
          duplicates.push(i);
          return;
        }
      }
      fresh.push(i);
    });
    if (fresh.length === 0) return { ids, duplicates };

    let next = this.catalog.nextId();
    const partition = this.catalog.forAppend(Math.floor(now / DAY_MS), this.fts ? 'fts' : 'main');
    const st = this.statementsFor(partition);
    let minTs = Infinity;
    let maxTs = -Infinity;
    let bytes = 0;
    const firstId = next;
    for (const i of fresh) {
      const e = events[i]!;
      const id = next++;
      const ts = eventTime(e.core, now);
      if (ts < minTs) minTs = ts;
      if (ts > maxTs) maxTs = ts;
      const core = e.json?.core ?? JSON.stringify(e.core);
      const raw = e.json?.original ?? JSON.stringify(e.original);
      const logsource = e.json?.logsource ?? JSON.stringify(e.logsource);
      const original = e.originalText ?? null;
      st.insert.run(
        id, ts, now,
        text(e.core['event.code']), text(e.core['event.provider']), text(e.core['event.dataset']),
        text(e.core['host.name']), text(e.core['user.name']), text(e.core['source.ip']),
        text(e.core['destination.ip']), text(e.core['process.command_line']), text(e.core.message),
        logsource, e.profile, core, original, raw,
      );
      let words = 0;
      if (st.fts) {
        const text = fullText(e);
        st.fts.run(id, text);
        words = text.length;
      } else {
        words = e.core.message?.length ?? 0;
      }
      bytes += core.length + raw.length + logsource.length + (original?.length ?? 0) + words + 64;
      ids[i] = id;
      if (e.dedup) this.dedupPut.run(e.dedup.source, e.dedup.id, seqOf[i], id);
    }
    this.catalog.record(partition, firstId, next - 1, minTs, maxTs, fresh.length, bytes);
    this.catalog.setNextId(next);
    this.lastWritten = next - 1;
    return { ids, duplicates };
  }

  private statementsFor(p: Partition): PartitionStatements {
    let st = this.statements.get(p.name);
    if (!st) {
      st = {
        insert: this.db.prepare(`INSERT INTO "${p.name}" (${INSERT_COLUMNS.join(', ')}) VALUES (${INSERT_COLUMNS.map(() => '?').join(', ')})`),
        fts: p.ftsDb === 'main' ? this.db.prepare(`INSERT INTO main."${p.fts}" (rowid, message) VALUES (?, ?)`) : null,
      };
      this.statements.set(p.name, st);
    }
    return st;
  }

  getEvent(id: number): StoredEvent | undefined {
    if (!Number.isSafeInteger(id)) return undefined;
    const p = this.catalog.holding(id);
    if (!p) return undefined;
    const row = this.db.prepare(`SELECT ${STORED_COLUMNS} FROM "${p.name}" WHERE id = ?`).get(id) as EventRow | undefined;
    return row ? toStored(row) : undefined;
  }

  /** An event's time (epoch ms) by id, without reading or parsing its JSON. */
  eventTime(id: number): number | undefined {
    if (!Number.isSafeInteger(id)) return undefined;
    const p = this.catalog.holding(id);
    if (!p) return undefined;
    const row = this.db.prepare(`SELECT ts FROM "${p.name}" WHERE id = ?`).get(id) as { ts: number } | undefined;
    return row?.ts;
  }

  search(query: CompiledQuery): SearchResult {
    const { compiled, deferred } = this.plan(query);
    // Read-your-writes: whatever the indexer thread has not indexed yet is indexed here first.
    if (deferred) this.catchUp();
    const rows = (this.fts?.reader ?? this.db).prepare(compiled.sql).all(...compiled.params) as Record<string, unknown>[];
    if (query.kind === 'rows') return { kind: 'rows', columns: query.columns ?? [], rows };
    return { kind: 'events', events: rows.map((r) => toStored(r as unknown as EventRow)) };
  }

  /** The query over the partitions of its range; `deferred` when it reads a deferred full-text index. */
  private plan(query: CompiledQuery): { compiled: { sql: string; params: unknown[] }; deferred: boolean } {
    const parts = this.catalog.overlapping(query.range);
    const sources: EventSource[] = parts.map((p) => ({ table: p.name, fullText: { table: p.fts } }));
    // No partition in range: the (empty or pre-partition) legacy table gives the right empty answer
    // (`stats count()` is one row of 0, not no rows).
    const compiled = query.over(sources.length ? sources : [LEGACY_SOURCE]);
    const deferred = parts.some((p) => p.ftsDb === 'fts' && compiled.sql.includes(`"${p.fts}"`));
    return { compiled, deferred };
  }

  *scan(range: TimeRange, options: ScanOptions = {}): Generator<StoredEvent[]> {
    const size = Math.min(Math.max(Math.trunc(options.batchSize ?? 1000), 1), MAX_SCAN_BATCH);
    // Events appended after the scan starts are not part of it.
    const last = this.catalog.nextId() - 1;
    let after = 0;
    for (;;) {
      // The catalog is read again for every page: partitions may be dropped between batches.
      const p = this.catalog.overlapping(range).find((x) => x.maxId > after && x.minId <= last);
      if (!p) return;
      let rows: EventRow[];
      try {
        // `+ts` keeps SQLite on the rowid range; with the ts index it would sort the whole range per page.
        rows = this.db.prepare(`SELECT ${STORED_COLUMNS} FROM "${p.name}" WHERE id > ? AND id <= ? AND +ts >= ? AND +ts < ? ORDER BY id LIMIT ?`)
          .all(after, last, range.from, range.to, size) as EventRow[];
      } catch (err) {
        if (/no such table/.test((err as Error).message)) continue; // dropped by another connection meanwhile
        throw err;
      }
      // A short page ends this partition (up to `last`).
      after = rows.length === size ? rows[rows.length - 1]!.id : Math.min(p.maxId, last);
      if (rows.length) yield rows.map(toStored);
      if (after >= last) return;
    }
  }

  applyRetention(policy: RetentionPolicy, now: number = Date.now()): RetentionReport {
    const { maxAgeDays, maxSizeMB } = policy;
    if (maxAgeDays !== undefined && !(Number.isFinite(maxAgeDays) && maxAgeDays >= 1)) {
      throw new VigilError('storage.retention', `retention maxAgeDays must be a number of days >= 1, got ${String(maxAgeDays)}`, { field: 'maxAgeDays' });
    }
    if (maxSizeMB !== undefined && !(Number.isFinite(maxSizeMB) && maxSizeMB > 0)) {
      throw new VigilError('storage.retention', `retention maxSizeMB must be a positive number, got ${String(maxSizeMB)}`, { field: 'maxSizeMB' });
    }
    const report: RetentionReport = { dropped: [], usedBytesBefore: this.usedBytes(), usedBytesAfter: 0, overSizeLimit: false, warnings: [] };
    if (maxAgeDays !== undefined) {
      // A partition goes when its newest possible receipt time (end of its day) is older than the limit.
      const cutoff = now - maxAgeDays * DAY_MS;
      for (const p of this.catalog.list()) {
        if ((p.day + 1) * DAY_MS > cutoff) break;
        if (this.drop(p)) report.dropped.push({ day: dayName(p.day), rows: p.rows, reason: 'age' });
      }
    }
    if (maxSizeMB !== undefined) {
      const limit = maxSizeMB * 1024 * 1024;
      while (this.usedBytes() > limit) {
        // Freed FTS pages count as free only once the pass has dropped the tables.
        if (this.indexer && report.dropped.length) this.indexer.pass(0);
        const all = this.catalog.list();
        if (all.length <= 1) {
          report.overSizeLimit = true;
          const current = all[0];
          report.warnings.push(`retention: the store uses ${mb(this.usedBytes())} MB, over its ${maxSizeMB} MB limit, and only the partition being written${current ? ` (${dayName(current.day)}, ${current.rows} events)` : ''} is left; it is not dropped for size`);
          break;
        }
        const p = all[0]!;
        if (this.drop(p)) report.dropped.push({ day: dayName(p.day), rows: p.rows, reason: 'size' });
      }
    }
    // The deferred FTS tables of dropped partitions go with the next pass; run one now.
    if (report.dropped.length && this.indexer) this.indexer.pass(0);
    if (policy.returnSpace !== false) {
      this.vacuum(this.db, 'main');
      if (this.fts) this.vacuum(this.fts.reader, FTS_SCHEMA);
    }
    report.usedBytesAfter = this.usedBytes();
    return report;
  }

  /** Drops one partition with its FTS index and dedup keys, in one transaction; its pages go to the free list. */
  private drop(p: Partition): boolean {
    const done = this.db.transaction(() => {
      // Re-read inside the write lock: another connection may have dropped it or written to it since.
      const current = this.catalog.get(p.day);
      if (!current) return false;
      this.catalog.remove(current);
      this.db.prepare('DELETE FROM dedup WHERE event_id BETWEEN ? AND ?').run(current.minId, current.maxId);
      return true;
    }).immediate();
    this.statements.delete(p.name);
    return done;
  }

  /** Returns freed pages to the file system in short steps (auto_vacuum = INCREMENTAL). */
  private vacuum(db: Database.Database, schema: string): void {
    if ((db.pragma(`${schema}.freelist_count`, { simple: true }) as number) === 0) return;
    for (let i = 0; i < 100_000; i++) {
      db.pragma(`${schema}.incremental_vacuum(${VACUUM_STEP_PAGES})`);
      if ((db.pragma(`${schema}.freelist_count`, { simple: true }) as number) === 0) break;
    }
    try {
      db.pragma(`${schema}.wal_checkpoint(TRUNCATE)`);
    } catch {
      // Not in WAL mode (in-memory stores): nothing to checkpoint.
    }
  }

  /** Pages in use of the events database and of the FTS file. */
  private usedBytes(): number {
    const used = (db: Database.Database, schema: string): number => {
      const pages = db.pragma(`${schema}.page_count`, { simple: true }) as number;
      const free = db.pragma(`${schema}.freelist_count`, { simple: true }) as number;
      const size = db.pragma(`${schema}.page_size`, { simple: true }) as number;
      return (pages - free) * size;
    };
    return used(this.db, 'main') + (this.fts ? used(this.fts.reader, FTS_SCHEMA) : 0);
  }

  partitions(): PartitionInfo[] {
    return this.catalog.list().map((p) => ({ day: dayName(p.day), rows: p.rows, minId: p.minId, maxId: p.maxId, minTs: p.minTs, maxTs: p.maxTs }));
  }
}

function mb(bytes: number): string {
  return (bytes / 1024 / 1024).toFixed(1);
}

function toStored(row: EventRow): StoredEvent {
  return {
    id: row.id,
    ts: row.ts,
    ingested: row.ingested,
    logsource: JSON.parse(row.logsource) as LogSource,
    profile: row.profile,
    core: JSON.parse(row.core) as EcsCore,
    original: JSON.parse(row.raw) as Record<string, unknown>,
  };
}
