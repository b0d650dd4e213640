/**
 * Deferred full-text indexing. Partitions created with `fts_db = 'fts'` keep their FTS5 index in a
 * second SQLite file beside the events database (FTS_FILE, its own WAL and write lock), filled from the
 * stored rows by an indexer after the rows commit, so the ingest thread never pays for FTS5 inserts.
 *
 * The indexer runs on a connection to the events database with the FTS file attached as `fts`. Each
 * pass is one transaction that first writes to the FTS file (taking only its write lock: a deferred
 * BEGIN; BEGIN IMMEDIATE would lock every attached file, the events database too) and then reads the
 * catalog and the fresh rows from one snapshot of the events database. The watermark (last indexed id
 * per partition) is written in the same transaction as the FTS rows, so a crash or a second indexer
 * (another process, a search catching up) never indexes a row twice or skips one.
 *
 * Table names are unique across both files (a partition's FTS table lives in exactly one of them), so
 * hunt SQL names them unqualified and SQLite finds them in whichever file holds them.
 */
import type Database from 'better-sqlite3';

export const FTS_FILE = 'vigil-fts.db';
export const FTS_SCHEMA = 'fts';

const FTS_DDL = `
CREATE TABLE IF NOT EXISTS ${FTS_SCHEMA}.fts_state (id INTEGER PRIMARY KEY CHECK (id = 1), passes INTEGER NOT NULL);
INSERT OR IGNORE INTO ${FTS_SCHEMA}.fts_state (id, passes) VALUES (1, 0);
CREATE TABLE IF NOT EXISTS ${FTS_SCHEMA}.fts_watermark (
  day INTEGER PRIMARY KEY,
  fts TEXT NOT NULL,
  last_id INTEGER NOT NULL
);
`;

/** The FTS5 table of one partition (contentless: queries need only the matching rowids). */
export function ftsTableDdl(schema: string, fts: string): string {
  return `CREATE VIRTUAL TABLE IF NOT EXISTS ${schema}."${fts}" USING fts5(message, content='', columnsize=0)`;
}

/** Attaches (creating if needed) the FTS file to `db` as FTS_SCHEMA. */
export function attachFullText(db: Database.Database, file: string): void {
  db.prepare(`ATTACH DATABASE ? AS ${FTS_SCHEMA}`).run(file);
  // auto_vacuum only takes effect on a new file, before WAL mode writes its first page.
  db.pragma(`${FTS_SCHEMA}.auto_vacuum = INCREMENTAL`);
  db.pragma(`${FTS_SCHEMA}.journal_mode = WAL`);
  db.pragma(`${FTS_SCHEMA}.synchronous = NORMAL`);
  db.exec(FTS_DDL);
}

/** Text for the free-text index: the message, else every string and number of the original event. */
export function fullTextOf(message: string | null | undefined, original: unknown): string {
  if (message) return message;
  const parts: string[] = [];
  const walk = (v: unknown, depth: number): void => {
    if (depth > 32 || parts.length > 2000) return;
    if (typeof v === 'string') parts.push(v);
    else if (typeof v === 'number' || typeof v === 'boolean') parts.push(String(v));
    else if (Array.isArray(v)) for (const x of v) walk(x, depth + 1);
    else if (v && typeof v === 'object') for (const x of Object.values(v)) walk(x, depth + 1);
  };
  walk(original, 0);
  return parts.join(' ');
}

export interface PassResult {
  /** Every event id <= through is indexed (ids of the snapshot the pass read). */
  through: number;
  /** Rows indexed by this pass. */
  rows: number;
  /** Nothing was left to index when the pass ended. */
  done: boolean;
}

interface PartRow { day: number; name: string; fts: string; max_id: number }
interface MarkRow { day: number; fts: string; last_id: number }
interface TextRow { id: number; message: string | null; raw: string | null }

/** Runs indexing passes on a connection with the events database as `main` and the FTS file attached. */
export class FtsIndexer {
  private readonly touch: Database.Statement;
  private readonly parts: Database.Statement;
  private readonly next: Database.Statement;
  private readonly marks: Database.Statement;
  private readonly setMark: Database.Statement;
  private readonly dropMark: Database.Statement;
  private readonly inserts = new Map<string, Database.Statement>();
  private readonly reads = new Map<string, Database.Statement>();
  private readonly passTx: (maxRows: number) => PassResult;

  constructor(private readonly db: Database.Database) {
    this.touch = db.prepare(`UPDATE ${FTS_SCHEMA}.fts_state SET passes = passes + 1 WHERE id = 1`);
    this.parts = db.prepare("SELECT day, name, fts, max_id FROM main.partitions WHERE fts_db = 'fts' ORDER BY day");
    this.next = db.prepare("SELECT value FROM main.counters WHERE name = 'next_event_id'").pluck();
    this.marks = db.prepare(`SELECT day, fts, last_id FROM ${FTS_SCHEMA}.fts_watermark`);
    this.setMark = db.prepare(`INSERT INTO ${FTS_SCHEMA}.fts_watermark (day, fts, last_id) VALUES (?, ?, ?) ON CONFLICT (day) DO UPDATE SET last_id = excluded.last_id`);
    this.dropMark = db.prepare(`DELETE FROM ${FTS_SCHEMA}.fts_watermark WHERE day = ?`);
    // Deferred BEGIN: the first statement (touch) takes the FTS file's write lock and nothing else.
    this.passTx = db.transaction((maxRows: number) => this.run(maxRows));
  }

  /** One transaction indexing at most `maxRows` rows (0: only drops the indexes of dropped partitions). */
  pass(maxRows: number): PassResult {
    return this.passTx(maxRows);
  }

  /** Passes until nothing is left. */
  catchUp(rowsPerPass = 50_000): PassResult {
    let total = 0;
    for (;;) {
      const r = this.pass(rowsPerPass);
      total += r.rows;
      if (r.done) return { ...r, rows: total };
    }
  }

  private run(maxRows: number): PassResult {
    this.touch.run();
    const parts = this.parts.all() as PartRow[];
    const marks = new Map((this.marks.all() as MarkRow[]).map((m) => [m.day, m]));
    const live = new Set(parts.map((p) => p.day));
    for (const m of marks.values()) {
      if (live.has(m.day)) continue;
      // Its partition was dropped (retention commits the events side first): drop the index too.
      this.db.exec(`DROP TABLE IF EXISTS ${FTS_SCHEMA}."${m.fts}"`);
      this.dropMark.run(m.day);
      this.inserts.delete(m.fts);
      this.reads.delete(m.fts);
    }
    const newest = ((this.next.get() as number | undefined) ?? 1) - 1;
    let through = newest;
    let budget = maxRows;
    let rows = 0;
    for (const p of parts) {
      const mark = marks.get(p.day);
      const from = mark?.last_id ?? 0;
      if (from >= p.max_id) continue;
      if (budget <= 0) return { through: Math.min(through, from), rows, done: false };
      if (!mark) this.db.exec(ftsTableDdl(FTS_SCHEMA, p.fts));
      const batch = this.read(p).all(from, p.max_id, budget) as TextRow[];
      const insert = this.insert(p.fts);
      for (const r of batch) insert.run(r.id, fullTextOf(r.message, r.raw === null ? null : JSON.parse(r.raw)));
      const complete = batch.length < budget || batch[batch.length - 1]!.id >= p.max_id;
      rows += batch.length;
      budget -= batch.length;
      const last = complete ? p.max_id : batch[batch.length - 1]!.id;
      this.setMark.run(p.day, p.fts, last);
      if (!complete) through = Math.min(through, last);
    }
    return { through, rows, done: through >= newest };
  }

  private read(p: PartRow): Database.Statement {
    let st = this.reads.get(p.fts);
    if (!st) {
      // The JSON is read only for events without a message (their text is every value of the original).
      st = this.db.prepare(`SELECT id, message, CASE WHEN message IS NULL OR message = '' THEN raw END AS raw FROM main."${p.name}" WHERE id > ? AND id <= ? ORDER BY id LIMIT ?`);
      this.reads.set(p.fts, st);
    }
    return st;
  }

  private insert(fts: string): Database.Statement {
    let st = this.inserts.get(fts);
    if (!st) {
      st = this.db.prepare(`INSERT INTO ${FTS_SCHEMA}."${fts}" (rowid, message) VALUES (?, ?)`);
      this.inserts.set(fts, st);
    }
    return st;
  }
}
