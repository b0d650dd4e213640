/**
 * DDL of the embedded store. The events table follows DEFAULT_SCHEMA of src/query (table `events`,
 * key `id`, JSON column `raw`, one column per mapped ECS field, FTS5 index `events_fts`), so hunt
 * queries compiled by compileHunt run against it unchanged.
 */
export const SCHEMA_VERSION = 1;

export const DDL = `
CREATE TABLE IF NOT EXISTS events (
  id INTEGER PRIMARY KEY,
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
);
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
  status TEXT NOT NULL DEFAULT 'open',
  count INTEGER NOT NULL DEFAULT 1,
  first_seen INTEGER NOT NULL,
  last_seen INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS alerts_group ON alerts (rule_id, host_name, last_seen);
CREATE INDEX IF NOT EXISTS alerts_status ON alerts (status, id);

CREATE TABLE IF NOT EXISTS tokens (
  hash TEXT PRIMARY KEY,
  name TEXT NOT NULL,
  created INTEGER NOT NULL
);
`;
