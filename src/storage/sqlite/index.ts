/** The embedded SQLite adapter: one database file in the data folder holds events, alerts, tokens, users, sessions and the audit log. */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { VigilError } from '../../core/errors.js';
import type { Stores } from '../ports.js';
import { SqliteAlertStore } from './alerts.js';
import { SqliteCaseStore } from './cases.js';
import { SqliteDeliveryStore } from './deliveries.js';
import { SqliteEventStore, type DeferredFullText, type IndexerOptions } from './events.js';
import { attachFullText, FTS_FILE } from './fts.js';
import { SqliteTokenStore } from './tokens.js';
import { SqliteUserStore } from './users.js';
import { SqliteSessionStore } from './sessions.js';
import { SqliteAuditStore } from './audit.js';
import { Catalog } from './partitions.js';
import { SqliteTuningStore, TUNING_DDL } from './tuning.js';
import { DDL, SCHEMA_VERSION, STORE_DDL, migrateAlerts, migratePartitions, migrateTriage } from './schema.js';
import { SqliteSocMetricsStore } from './soc.js';

export { SqliteAlertStore } from './alerts.js';
export { SqliteCaseStore } from './cases.js';
export { SqliteDeliveryStore } from './deliveries.js';
export { SqliteEventStore } from './events.js';
export { SqliteTokenStore } from './tokens.js';
export { SqliteUserStore } from './users.js';
export { SqliteSessionStore } from './sessions.js';
export { SqliteAuditStore } from './audit.js';
export { SqliteTuningStore } from './tuning.js';

export const DB_FILE = 'vigil.db';
export { FTS_FILE } from './fts.js';

export interface SqliteOptions {
  /**
   * Where new day partitions keep their full-text index: 'deferred' (default for a folder) in FTS_FILE,
   * indexed after the rows commit (by the indexer thread, else by the first search that needs it);
   * 'inline' in the events database, written in the append transaction (always so in memory).
   */
  fullText?: 'deferred' | 'inline';
  /** Start the indexer thread (deferred full text and WAL checkpoints off this thread): the server. */
  indexer?: boolean | IndexerOptions;
}

/** Opens (creating if needed) the store in `dir`; `':memory:'` gives a throwaway in-memory store. */
export function openSqliteStores(dir: string, options: SqliteOptions = {}): Stores {
  let db: Database.Database;
  try {
    if (dir === ':memory:') {
      db = new Database(':memory:');
      db.pragma('auto_vacuum = INCREMENTAL');
    } else {
      mkdirSync(dir, { recursive: true });
      db = new Database(join(dir, DB_FILE));
      // Only takes effect on a new file, and only before WAL mode writes the first page.
      db.pragma('auto_vacuum = INCREMENTAL');
      db.pragma('journal_mode = WAL');
    }
  } catch (err) {
    throw new VigilError('storage.open', `cannot open the data folder: ${(err as Error).message}`, { file: dir }, { cause: err });
  }
  // FULL: a commit (and so an acknowledgement) survives a power cut, not only a crash of the process.
  // With group commit the fsync is paid once per thousands of events (bench/storage: within noise).
  db.pragma('synchronous = FULL');
  db.pragma('foreign_keys = ON');
  // Other connections (a second process, a worker thread) may hold the write lock for a batch.
  db.pragma('busy_timeout = 10000');
  const version = db.pragma('user_version', { simple: true }) as number;
  if (version > SCHEMA_VERSION) {
    db.close();
    throw new VigilError('storage.version', `data folder schema v${version} is newer than this Vigil (v${SCHEMA_VERSION})`, { file: dir });
  }
  const backfill = migrate(db, version);
  db.exec(TUNING_DDL);
  let fts: DeferredFullText | null = null;
  if (dir !== ':memory:' && options.fullText !== 'inline') {
    const dbFile = join(dir, DB_FILE);
    const ftsFile = join(dir, FTS_FILE);
    const reader = new Database(dbFile);
    try {
      reader.pragma('busy_timeout = 10000');
      attachFullText(reader, ftsFile);
    } catch (err) {
      reader.close();
      db.close();
      throw new VigilError('storage.open', `cannot open the full-text index: ${(err as Error).message}`, { file: ftsFile }, { cause: err });
    }
    fts = { reader, dbFile, ftsFile };
  }
  const events = new SqliteEventStore(db, fts);
  if (backfill) backfillAlertEventTimes(db, events);
  if (options.indexer) events.startIndexer(options.indexer === true ? {} : options.indexer);
  return {
    events,
    alerts: new SqliteAlertStore(db, (id) => events.eventTime(id)),
    tokens: new SqliteTokenStore(db),
    cases: new SqliteCaseStore(db),
    deliveries: new SqliteDeliveryStore(db),
    users: new SqliteUserStore(db),
    sessions: new SqliteSessionStore(db),
    audit: new SqliteAuditStore(db),
    tuning: new SqliteTuningStore(db),
    soc: new SqliteSocMetricsStore(db),
    // IMMEDIATE: the write lock is taken at BEGIN (waiting up to busy_timeout), so a transaction that reads
    // and then writes cannot fail with SQLITE_BUSY because another connection committed in between.
    transaction: <T>(fn: () => T): T => db.transaction(fn).immediate(),
    close: () => {
      events.close();
      db.close();
    },
  };
}

/**
 * Creates or upgrades the schema. Dropped partitions give their pages back to the file system only
 * with auto_vacuum = INCREMENTAL, which SQLite lets a database take only while it has no tables or
 * through one full VACUUM (done once here for a v1 store).
 */
function migrate(db: Database.Database, version: number): boolean {
  if (version < SCHEMA_VERSION && (db.pragma('auto_vacuum', { simple: true }) as number) !== 2) {
    db.pragma('auto_vacuum = INCREMENTAL');
    if (version > 0) db.exec('VACUUM');
  }
  migrateAlerts(db);
  const backfill = migrateTriage(db);
  db.transaction(() => {
    db.exec(DDL);
    db.exec(STORE_DDL);
    migratePartitions(db);
    // Read again under the write lock: another process may have upgraded the store meanwhile.
    const current = db.pragma('user_version', { simple: true }) as number;
    // v2 stores made before the partitions existed hold their events in the v1 table too.
    if (current < SCHEMA_VERSION && new Catalog(db).list().length === 0) new Catalog(db).adoptLegacy();
    if (current !== SCHEMA_VERSION) db.pragma(`user_version = ${SCHEMA_VERSION}`);
  }).immediate();
  return backfill;
}

/** Alerts made before v4 get their first event's time (for MTTD), read through the partition catalog. */
function backfillAlertEventTimes(db: Database.Database, events: SqliteEventStore): void {
  const page = db.prepare('SELECT id, event_id FROM alerts WHERE event_ts IS NULL AND id > ? ORDER BY id LIMIT 1000');
  const set = db.prepare('UPDATE alerts SET event_ts = ? WHERE id = ?');
  for (let after = 0; ;) {
    const rows = page.all(after) as { id: number; event_id: number }[];
    if (rows.length === 0) return;
    db.transaction(() => {
      for (const r of rows) {
        const ts = events.eventTime(r.event_id);
        if (ts !== undefined) set.run(ts, r.id);
      }
    })();
    after = rows[rows.length - 1]!.id;
  }
}
