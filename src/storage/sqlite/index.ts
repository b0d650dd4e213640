/** The embedded SQLite adapter: one database file in the data folder holds events, alerts, tokens, users, sessions and the audit log. */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { VigilError } from '../../core/errors.js';
import type { Stores } from '../ports.js';
import { SqliteAlertStore } from './alerts.js';
import { SqliteCaseStore } from './cases.js';
import { SqliteDeliveryStore } from './deliveries.js';
import { SqliteEventStore } from './events.js';
import { SqliteTokenStore } from './tokens.js';
import { SqliteUserStore } from './users.js';
import { SqliteSessionStore } from './sessions.js';
import { SqliteAuditStore } from './audit.js';
import { DDL, SCHEMA_VERSION, migrateAlerts, migrateTriage } from './schema.js';
import { SqliteSocMetricsStore } from './soc.js';

export { SqliteAlertStore } from './alerts.js';
export { SqliteCaseStore } from './cases.js';
export { SqliteDeliveryStore } from './deliveries.js';
export { SqliteEventStore } from './events.js';
export { SqliteTokenStore } from './tokens.js';
export { SqliteUserStore } from './users.js';
export { SqliteSessionStore } from './sessions.js';
export { SqliteAuditStore } from './audit.js';

export const DB_FILE = 'vigil.db';

/** Opens (creating if needed) the store in `dir`; `':memory:'` gives a throwaway in-memory store. */
export function openSqliteStores(dir: string): Stores {
  let db: Database.Database;
  try {
    if (dir === ':memory:') {
      db = new Database(':memory:');
    } else {
      mkdirSync(dir, { recursive: true });
      db = new Database(join(dir, DB_FILE));
      db.pragma('journal_mode = WAL');
    }
  } catch (err) {
    throw new VigilError('storage.open', `cannot open the data folder: ${(err as Error).message}`, { file: dir }, { cause: err });
  }
  db.pragma('synchronous = NORMAL');
  db.pragma('foreign_keys = ON');
  const version = db.pragma('user_version', { simple: true }) as number;
  if (version > SCHEMA_VERSION) {
    db.close();
    throw new VigilError('storage.version', `data folder schema v${version} is newer than this Vigil (v${SCHEMA_VERSION})`, { file: dir });
  }
  migrateAlerts(db);
  migrateTriage(db);
  db.exec(DDL);
  db.pragma(`user_version = ${SCHEMA_VERSION}`);
  return {
    events: new SqliteEventStore(db),
    alerts: new SqliteAlertStore(db),
    tokens: new SqliteTokenStore(db),
    cases: new SqliteCaseStore(db),
    users: new SqliteUserStore(db),
    sessions: new SqliteSessionStore(db),
    audit: new SqliteAuditStore(db),
    deliveries: new SqliteDeliveryStore(db),
    soc: new SqliteSocMetricsStore(db),
    transaction: <T>(fn: () => T): T => db.transaction(fn)(),
    close: () => db.close(),
  };
}
