/**
 * The partition catalog: one row per day partition with its id and event-time bounds.
 *
 * Partitions are by UTC day of *receipt*, not of event time:
 * - appends go to one partition per batch, and ids rise with receipt, so partition id ranges are
 *   disjoint and ordered: finding an event by id is a lookup in the catalog;
 * - a bad or hostile `@timestamp` (year 1970, year 9999, replayed archives) cannot create thousands of
 *   tables, and retention by age means "kept N days after it arrived", whatever the event claims;
 * - queries still prune by event time: each partition records the min/max event time of its rows, and
 *   a query reads exactly the partitions whose [min_ts, max_ts] meets its range. Events mostly arrive
 *   near their event time, so the bounds stay narrow; a replay only widens the one day it arrived on.
 */
import type Database from 'better-sqlite3';
import type { EventSource } from '../../query/sql/compile.js';
import type { TimeRange } from '../../query/time.js';
import { partitionDdl } from './schema.js';

export const DAY_MS = 86_400_000;

/** The v1 single table: holds events written before partitions (if any), else stays empty. */
export const LEGACY_SOURCE: EventSource = { table: 'events', fullText: { table: 'events_fts' } };

export interface Partition {
  day: number;
  name: string;
  fts: string;
  minId: number;
  maxId: number;
  minTs: number;
  maxTs: number;
  rows: number;
  bytes: number;
  /** Where its FTS table is: 'main' (written with the rows) or 'fts' (the deferred index, fts.ts). */
  ftsDb: FtsLocation;
}

export type FtsLocation = 'main' | 'fts';

interface PartitionRow {
  day: number;
  name: string;
  fts: string;
  min_id: number;
  max_id: number;
  min_ts: number;
  max_ts: number;
  rows: number;
  bytes: number;
  fts_db: FtsLocation;
}

const toPartition = (r: PartitionRow): Partition => ({
  day: r.day, name: r.name, fts: r.fts, minId: r.min_id, maxId: r.max_id, minTs: r.min_ts, maxTs: r.max_ts, rows: r.rows, bytes: r.bytes, ftsDb: r.fts_db,
});

/** YYYY-MM-DD of a day number (days since the epoch, UTC). */
export function dayName(day: number): string {
  return new Date(day * DAY_MS).toISOString().slice(0, 10);
}

export class Catalog {
  private readonly listStmt: Database.Statement;
  private readonly getStmt: Database.Statement;
  private readonly latestStmt: Database.Statement;
  private readonly holdingStmt: Database.Statement;
  private readonly overlapStmt: Database.Statement;
  private readonly recordStmt: Database.Statement;
  private readonly nextStmt: Database.Statement;
  private readonly setNextStmt: Database.Statement;

  constructor(private readonly db: Database.Database) {
    this.listStmt = db.prepare('SELECT * FROM partitions ORDER BY day');
    this.getStmt = db.prepare('SELECT * FROM partitions WHERE day = ?');
    this.latestStmt = db.prepare('SELECT * FROM partitions ORDER BY day DESC LIMIT 1');
    this.holdingStmt = db.prepare('SELECT * FROM partitions WHERE min_id <= ? AND max_id >= ?');
    this.overlapStmt = db.prepare('SELECT * FROM partitions WHERE min_ts < ? AND max_ts >= ? ORDER BY min_id');
    this.recordStmt = db.prepare(
      `UPDATE partitions SET min_id = min(min_id, ?), max_id = max(max_id, ?), min_ts = min(min_ts, ?), max_ts = max(max_ts, ?),
       rows = rows + ?, bytes = bytes + ? WHERE day = ?`,
    );
    this.nextStmt = db.prepare("SELECT value FROM counters WHERE name = 'next_event_id'").pluck();
    this.setNextStmt = db.prepare("INSERT INTO counters (name, value) VALUES ('next_event_id', ?) ON CONFLICT (name) DO UPDATE SET value = excluded.value");
  }

  list(): Partition[] {
    return (this.listStmt.all() as PartitionRow[]).map(toPartition);
  }

  get(day: number): Partition | undefined {
    const r = this.getStmt.get(day) as PartitionRow | undefined;
    return r && toPartition(r);
  }

  holding(id: number): Partition | undefined {
    const r = this.holdingStmt.get(id, id) as PartitionRow | undefined;
    return r && toPartition(r);
  }

  /** Partitions holding events of `range` (half-open), in id order. */
  overlapping(range: TimeRange): Partition[] {
    return (this.overlapStmt.all(range.to, range.from) as PartitionRow[]).map(toPartition);
  }

  /** Next global event id; never reused, even after the newest partition is dropped. */
  nextId(): number {
    return (this.nextStmt.get() as number | undefined) ?? 1;
  }

  setNextId(next: number): void {
    this.setNextStmt.run(next);
  }

  /**
   * The partition a batch received on `day` goes to (created when needed). If the clock went back
   * behind the newest partition, the newest one is used, so id ranges stay disjoint and ordered.
   * New partitions put their FTS table in `ftsDb`. Call inside the write transaction.
   */
  forAppend(day: number, ftsDb: FtsLocation = 'main'): Partition {
    const latest = this.latestStmt.get() as PartitionRow | undefined;
    if (latest && latest.day >= day) return toPartition(latest);
    const name = `events_${dayName(day).replace(/-/g, '')}`;
    const fts = `${name}_fts`;
    this.db.exec(partitionDdl(name, ftsDb === 'main' ? fts : null));
    // min/max start inverted so the first record() sets them.
    this.db.prepare('INSERT INTO partitions (day, name, fts, min_id, max_id, min_ts, max_ts, rows, bytes, fts_db) VALUES (?, ?, ?, ?, ?, ?, ?, 0, 0, ?)')
      .run(day, name, fts, Number.MAX_SAFE_INTEGER, 0, Number.MAX_SAFE_INTEGER, Number.MIN_SAFE_INTEGER, ftsDb);
    return this.get(day)!;
  }

  record(p: Partition, minId: number, maxId: number, minTs: number, maxTs: number, rows: number, bytes: number): void {
    this.recordStmt.run(minId, maxId, minTs, maxTs, rows, bytes, p.day);
  }

  /**
   * Removes the partition's tables and catalog row. Call inside a write transaction. A deferred FTS
   * table (in the FTS file) is dropped by the next indexer pass, which sees the partition gone.
   */
  remove(p: Partition): void {
    if (p.name === LEGACY_SOURCE.table) {
      // The legacy table doubles as the empty source for queries outside every partition: empty it.
      this.db.exec(`DELETE FROM "${p.name}"; DELETE FROM "${p.fts}";`);
    } else {
      this.db.exec(`DROP TABLE IF EXISTS main."${p.name}"`);
      if (p.ftsDb === 'main') this.db.exec(`DROP TABLE IF EXISTS main."${p.fts}"`);
    }
    this.db.prepare('DELETE FROM partitions WHERE day = ?').run(p.day);
  }

  /** Registers the rows of a v1 store's single table as one partition. */
  adoptLegacy(): void {
    const b = this.db.prepare('SELECT min(id) AS min_id, max(id) AS max_id, min(ts) AS min_ts, max(ts) AS max_ts, count(*) AS n, max(ingested) AS last, sum(length(raw) + length(core)) AS bytes FROM events')
      .get() as { min_id: number | null; max_id: number; min_ts: number; max_ts: number; n: number; last: number; bytes: number };
    if (b.min_id === null) return;
    const day = Math.floor(b.last / DAY_MS);
    this.db.prepare('INSERT INTO partitions (day, name, fts, min_id, max_id, min_ts, max_ts, rows, bytes) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)')
      .run(day, LEGACY_SOURCE.table, LEGACY_SOURCE.fullText!.table, b.min_id, b.max_id, b.min_ts, b.max_ts, b.n, b.bytes);
    if (this.nextId() <= b.max_id) this.setNextId(b.max_id + 1);
  }
}
