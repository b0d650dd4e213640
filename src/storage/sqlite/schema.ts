import type Database from 'better-sqlite3';

/**
 * DDL of the embedded store. Every events table follows DEFAULT_SCHEMA of src/query (key `id`, JSON
 * column `raw`, one column per mapped ECS field, an FTS5 index), so hunt queries compiled by
 * compileHunt run against it. Since v2 events live in day partitions (PARTITION_DDL); the v1 table
 * `events` stays as the partition of data written before (when it holds any) and otherwise as the
 * empty table queries read when no partition overlaps their range.
 */
/**
 * v3 united the partition (storage) and alert group-key (detection) migrations; v4 adds triage columns;
 * v5 says per partition where its FTS index lives (`partitions.fts_db`: 'main', or 'fts' for the
 * deferred index in the FTS file, see fts.ts).
 */
export const SCHEMA_VERSION = 5;

/** Triage columns (v3), added to older tables by migrateTriage. */
const TRIAGE_COLUMNS: readonly [string, string][] = [
  ['event_ts', 'INTEGER'], ['assignee', 'TEXT'], ['disposition', 'TEXT'], ['reason', 'TEXT'],
  ['acknowledged_at', 'INTEGER'], ['closed_at', 'INTEGER'], ['assigned_at', 'INTEGER'],
];

const ALERT_INDEXES = `
CREATE INDEX IF NOT EXISTS alerts_group_key ON alerts (rule_id, group_key, last_seen);
CREATE INDEX IF NOT EXISTS alerts_status ON alerts (status, id);
CREATE INDEX IF NOT EXISTS alerts_first_seen ON alerts (first_seen);
CREATE INDEX IF NOT EXISTS alerts_assignee ON alerts (assignee, id);
`;

/** The columns of every events table: the v1 table and each day partition. */
const EVENT_COLUMNS = `  id INTEGER PRIMARY KEY,
  ts INTEGER NOT NULL,
  ingested INTEGER NOT NULL,
  event_code TEXT, event_provider TEXT, event_dataset TEXT,
  host_name TEXT, user_name TEXT, source_ip TEXT, destination_ip TEXT,
  process_command_line TEXT, message TEXT,
  logsource TEXT NOT NULL,
  profile TEXT NOT NULL,
  core TEXT NOT NULL,
  original_text TEXT,
  raw TEXT NOT NULL
`;

export const DDL = `
CREATE TABLE IF NOT EXISTS events (
${EVENT_COLUMNS});
CREATE INDEX IF NOT EXISTS events_ts ON events (ts);
CREATE INDEX IF NOT EXISTS events_host_ts ON events (host_name, ts);
CREATE VIRTUAL TABLE IF NOT EXISTS events_fts USING fts5(message);

CREATE TABLE IF NOT EXISTS alerts (
  id INTEGER PRIMARY KEY,
  rule_id TEXT NOT NULL,
  title TEXT NOT NULL,
  level TEXT,
  tags TEXT NOT NULL,
  author TEXT,
  event_id INTEGER NOT NULL,
  last_event_id INTEGER NOT NULL,
  host_name TEXT,
  user_name TEXT,
  fields TEXT NOT NULL,
  status TEXT NOT NULL DEFAULT 'new',
  count INTEGER NOT NULL DEFAULT 1,
  first_seen INTEGER NOT NULL,
  last_seen INTEGER NOT NULL,
  kind TEXT NOT NULL DEFAULT 'match',
  group_key TEXT,
  grp TEXT,
  ${TRIAGE_COLUMNS.map(([name, type]) => `${name} ${type}`).join(',\n  ')}
);
${ALERT_INDEXES}
CREATE TABLE IF NOT EXISTS alert_events (
  alert_id INTEGER NOT NULL REFERENCES alerts (id) ON DELETE CASCADE,
  event_id INTEGER NOT NULL,
  PRIMARY KEY (alert_id, event_id)
) WITHOUT ROWID;

CREATE TABLE IF NOT EXISTS tokens (
  hash TEXT PRIMARY KEY,
  name TEXT NOT NULL,
  created INTEGER NOT NULL
);
`;

/** Partition catalog, the global event id counter and the exactly-once keys (schema v2). */
export const STORE_DDL = `
CREATE TABLE IF NOT EXISTS partitions (
  day INTEGER PRIMARY KEY,
  name TEXT NOT NULL UNIQUE,
  fts TEXT NOT NULL,
  min_id INTEGER NOT NULL,
  max_id INTEGER NOT NULL,
  min_ts INTEGER NOT NULL,
  max_ts INTEGER NOT NULL,
  rows INTEGER NOT NULL,
  bytes INTEGER NOT NULL,
  fts_db TEXT NOT NULL DEFAULT 'main'
);
CREATE TABLE IF NOT EXISTS counters (
  name TEXT PRIMARY KEY,
  value INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS dedup (
  source TEXT NOT NULL,
  key TEXT NOT NULL,
  seq INTEGER NOT NULL,
  event_id INTEGER NOT NULL,
  PRIMARY KEY (source, key, seq)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS dedup_event ON dedup (event_id);
`;

/**
 * One day partition. Only `ts`, `host_name` and `user_name` are indexed: each index costs every
 * append, and the partition plus the time range already bound what a query scans; host and user are
 * what analysts pivot on (an unindexed user query over 10M events took 32 s). The indexes are NOCASE
 * because hunt equality is `= ? COLLATE NOCASE`, which a BINARY index cannot serve. The FTS5 index is
 * contentless (`content=''`): queries only need matching rowids, and the text is in the row already.
 */
export function partitionDdl(table: string, fts: string | null): string {
  return `
CREATE TABLE ${table} (
${EVENT_COLUMNS});
CREATE INDEX ${table}_ts ON ${table} (ts);
CREATE INDEX ${table}_host ON ${table} (host_name COLLATE NOCASE, ts);
CREATE INDEX ${table}_user ON ${table} (user_name COLLATE NOCASE, ts);
${fts === null ? '' : `CREATE VIRTUAL TABLE ${fts} USING fts5(message, content='', columnsize=0);`}
`;
}

/** v4 -> v5: partitions made before keep their FTS index in the events database ('main'). Inside the migration transaction. */
export function migratePartitions(db: Database.Database): void {
  const columns = db.prepare("SELECT name FROM pragma_table_info('partitions')").all() as { name: string }[];
  if (!columns.some((c) => c.name === 'fts_db')) db.exec("ALTER TABLE partitions ADD COLUMN fts_db TEXT NOT NULL DEFAULT 'main'");
}

/**
 * v1 -> v2: alerts group on a group key (host.name for matches, as v1 grouped) and keep their events in
 * alert_events. Runs before DDL (whose indexes need the new columns); judged by the columns present,
 * not the version number, so it is safe to run on any database.
 */
export function migrateAlerts(db: Database.Database): void {
  const columns = db.prepare("SELECT name FROM pragma_table_info('alerts')").all() as { name: string }[];
  if (columns.length === 0 || columns.some((c) => c.name === 'group_key')) return;
  db.transaction(() => db.exec(`
ALTER TABLE alerts ADD COLUMN kind TEXT NOT NULL DEFAULT 'match';
ALTER TABLE alerts ADD COLUMN group_key TEXT;
ALTER TABLE alerts ADD COLUMN grp TEXT;
UPDATE alerts SET group_key = host_name;
DROP INDEX IF EXISTS alerts_group;
CREATE TABLE IF NOT EXISTS alert_events (
  alert_id INTEGER NOT NULL REFERENCES alerts (id) ON DELETE CASCADE,
  event_id INTEGER NOT NULL,
  PRIMARY KEY (alert_id, event_id)
) WITHOUT ROWID;
INSERT OR IGNORE INTO alert_events (alert_id, event_id) SELECT id, event_id FROM alerts;
INSERT OR IGNORE INTO alert_events (alert_id, event_id) SELECT id, last_event_id FROM alerts;
`))();
}

/**
 * v2 -> v3: the triage workflow. Adds whichever triage columns are missing (judged by the columns
 * present, so a half-migrated or older folder is safe), renames the status 'open' to 'new' and fills in
 * each alert's first event time from the event store. Runs before DDL, after migrateAlerts.
 */
export function migrateTriage(db: Database.Database): boolean {
  const columns = new Set((db.prepare("SELECT name FROM pragma_table_info('alerts')").all() as { name: string }[]).map((c) => c.name));
  if (columns.size === 0) return false;
  const missing = TRIAGE_COLUMNS.filter(([name]) => !columns.has(name));
  db.transaction(() => {
    for (const [name, type] of missing) db.exec(`ALTER TABLE alerts ADD COLUMN ${name} ${type}`);
    db.exec("UPDATE alerts SET status = 'new' WHERE status = 'open'");
  })();
  // The event times are filled in by the caller, which knows where events live (day partitions).
  return missing.some(([name]) => name === 'event_ts');
}
