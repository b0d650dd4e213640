import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { compileHunt } from '../../query/sql/compile.js';
import { DEFAULT_SCHEMA } from '../../query/sql/schema.js';
import Database from 'better-sqlite3';
import { MAX_ALERT_EVENTS } from '../ports.js';
import { SCHEMA_VERSION } from './schema.js';
import { DB_FILE, openSqliteStores } from './index.js';

const T = Date.UTC(2025, 0, 1);

test('events: batch append, get, hunt search and free text over the DEFAULT_SCHEMA layout', () => {
  const dir = mkdtempSync(join(tmpdir(), 'vigil-sqlite-'));
  const stores = openSqliteStores(dir);
  try {
    const ids = stores.events.append([
      { core: { '@timestamp': new Date(T).toISOString(), 'host.name': 'h1', 'user.name': 'alice' }, logsource: { product: 'windows' }, profile: 'x', original: { a: { b: 'mimikatz run' } } },
      { core: { 'host.name': 'h2', message: 'hello world' }, logsource: { product: 'linux' }, profile: 'y', original: { n: 1 } },
    ], T + 5);
    assert.deepEqual(ids.length, 2);
    const e = stores.events.getEvent(ids[0]!)!;
    assert.equal(e.ts, T);
    assert.deepEqual(e.original, { a: { b: 'mimikatz run' } });
    assert.equal(stores.events.getEvent(ids[1]!)!.ts, T + 5, 'no timestamp: ingest time');
    assert.equal(stores.events.getEvent(999), undefined);
    const range = { from: T - 1000, to: T + 1000 };
    const byHost = stores.events.search(compileHunt('host.name:h1', { range, schema: DEFAULT_SCHEMA }));
    assert.equal(byHost.kind, 'events');
    assert.deepEqual(byHost.kind === 'events' && byHost.events.map((x) => x.id), [ids[0]]);
    const byJson = stores.events.search(compileHunt('a.b:mimikatz*', { range }));
    assert.equal(byJson.kind === 'events' && byJson.events.length, 1);
    const free = stores.events.search(compileHunt('mimikatz', { range }));
    assert.equal(free.kind === 'events' && free.events.length, 1);
  } finally {
    stores.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('alerts: insert, group lookup, increment, list with status and paging', () => {
  const stores = openSqliteStores(':memory:');
  const base = { ruleId: 'r1', title: 'R', level: 'high', tags: ['t'], author: 'a', eventId: 1, hostName: 'h', userName: null, fields: [] };
  const a = stores.alerts.insert({ ...base, at: T });
  assert.equal(a.count, 1);
  assert.equal(stores.alerts.findGroupable('r1', 'h', T - 1)?.id, a.id);
  assert.equal(stores.alerts.findGroupable('r1', 'h', T + 1), undefined);
  assert.equal(stores.alerts.findGroupable('r1', 'other', T - 1), undefined);
  const b = stores.alerts.insert({ ...base, hostName: null, at: T });
  assert.equal(stores.alerts.findGroupable('r1', null, T)?.id, b.id);
  assert.equal(stores.alerts.increment(a.id, T + 10, 7)?.count, 2);
  assert.equal(stores.alerts.get(a.id)?.lastEventId, 7);
  assert.equal(stores.alerts.update(a.id, { status: 'closed', disposition: 'false-positive', reason: 'test', closedAt: T + 20 })?.status, 'closed');
  assert.equal(stores.alerts.findGroupable('r1', 'h', T - 1), undefined, 'closed alerts do not group');
  assert.equal(stores.alerts.list({ status: ['closed'] }).total, 1);
  assert.equal(stores.alerts.list({ limit: 1, offset: 1 }).alerts.length, 1);
  assert.equal(stores.alerts.list().total, 2);
  assert.equal(stores.alerts.update(99, { status: 'new' }), undefined);
  stores.close();
});

test('tokens: only hashes are stored, with role, kind, profile and expiry', () => {
  const stores = openSqliteStores(':memory:');
  assert.equal(stores.tokens.count(), 0);
  const hash = 'a'.repeat(64);
  stores.tokens.add({ name: 'admin', hash, role: 'admin' }, 1000);
  assert.deepEqual(stores.tokens.lookup(hash), { name: 'admin', role: 'admin', kind: 'token', created: 1000 });
  assert.equal(stores.tokens.lookup('b'.repeat(64)), undefined);
  assert.throws(() => stores.tokens.add({ name: 'x', hash: 'plain-token', role: 'admin' }), /SHA-256/);
  const ingest = 'c'.repeat(64);
  stores.tokens.add({ name: 'fw', hash: ingest, role: 'ingest', kind: 'ingest', profile: 'suricata', expires: 5000 }, 1000);
  assert.deepEqual(stores.tokens.lookup(ingest, 4999), { name: 'fw', role: 'ingest', kind: 'ingest', profile: 'suricata', created: 1000, expires: 5000 });
  assert.equal(stores.tokens.lookup(ingest, 5000), undefined, 'expired');
  const listed = stores.tokens.list();
  assert.deepEqual(listed.map((t) => t.id), ['aaaaaaaaaaaa', 'cccccccccccc']);
  assert.ok(stores.tokens.remove('cccccccccccc'));
  assert.equal(stores.tokens.lookup(ingest, 0), undefined);
  stores.close();
});

test('alerts: group keys, correlation groups and their events, bounded per alert', () => {
  const stores = openSqliteStores(':memory:');
  const base = { ruleId: 'c1', title: 'C', level: 'high', tags: [], author: null, hostName: 'h', userName: 'u', fields: [] };
  const a = stores.alerts.insert({ ...base, eventId: 3, eventIds: [3, 5, 9], kind: 'correlation', groupKey: '{"user":"u"}', group: { user: 'u' }, at: T });
  assert.deepEqual([a.kind, a.groupKey, a.group, a.eventIds, a.eventId, a.lastEventId], ['correlation', '{"user":"u"}', { user: 'u' }, [3, 5, 9], 3, 9]);
  assert.equal(stores.alerts.findGroupable('c1', 'h', T - 1), undefined, 'groups on the group key, not the host');
  assert.equal(stores.alerts.findGroupable('c1', '{"user":"u"}', T - 1)?.id, a.id);
  const many = Array.from({ length: 2 * MAX_ALERT_EVENTS }, (_, i) => 100 + i);
  const b = stores.alerts.increment(a.id, T + 1, many)!;
  assert.equal(b.count, 2);
  assert.equal(b.lastEventId, 100 + 2 * MAX_ALERT_EVENTS - 1);
  assert.equal(b.eventIds.length, MAX_ALERT_EVENTS);
  assert.deepEqual(b.eventIds.slice(0, 4), [3, 5, 9, 100]);
  const plain = stores.alerts.insert({ ...base, ruleId: 'r', eventId: 1, at: T });
  assert.deepEqual([plain.kind, plain.groupKey, plain.group, plain.eventIds], ['match', 'h', null, [1]]);
  assert.equal(stores.alerts.increment(999, T, 1), undefined);
  stores.close();
});

test('a v1 data folder is migrated: its alerts keep grouping by host and list their events', () => {
  const dir = mkdtempSync(join(tmpdir(), 'vigil-sqlite-v1-'));
  try {
    const v1 = new Database(join(dir, DB_FILE));
    v1.exec(`CREATE TABLE alerts (id INTEGER PRIMARY KEY, rule_id TEXT NOT NULL, title TEXT NOT NULL, level TEXT, tags TEXT NOT NULL,
      author TEXT, event_id INTEGER NOT NULL, last_event_id INTEGER NOT NULL, host_name TEXT, user_name TEXT, fields TEXT NOT NULL,
      status TEXT NOT NULL DEFAULT 'open', count INTEGER NOT NULL DEFAULT 1, first_seen INTEGER NOT NULL, last_seen INTEGER NOT NULL);
      CREATE INDEX alerts_group ON alerts (rule_id, host_name, last_seen);
      CREATE INDEX alerts_status ON alerts (status, id);
      INSERT INTO alerts VALUES (1, 'r1', 'R', 'high', '["t"]', 'a', 10, 12, 'h1', 'bob', '[]', 'acknowledged', 2, ${T}, ${T + 5});
      PRAGMA user_version = 1;`);
    v1.close();
    const stores = openSqliteStores(dir);
    const a = stores.alerts.get(1)!;
    assert.deepEqual([a.ruleId, a.status, a.count, a.kind, a.groupKey, a.eventIds, a.lastEventId], ['r1', 'acknowledged', 2, 'match', 'h1', [10, 12], 12]);
    assert.equal(stores.alerts.findGroupable('r1', 'h1', T)?.id, 1);
    assert.equal(stores.alerts.increment(1, T + 6, 13)?.count, 3);
    stores.close();
    const db = new Database(join(dir, DB_FILE));
    assert.equal(db.pragma('user_version', { simple: true }), SCHEMA_VERSION);
    db.close();
    const again = openSqliteStores(dir);
    assert.deepEqual(again.alerts.get(1)?.eventIds, [10, 12, 13], 'reopening does not migrate twice');
    again.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a v2 data folder gets the triage columns: open becomes new, event times are filled in, nothing else changes', () => {
  const dir = mkdtempSync(join(tmpdir(), 'vigil-sqlite-v2-'));
  try {
    // A v2 folder as that release wrote it: events, alerts with group keys, statuses open/acknowledged/closed.
    const seed = openSqliteStores(dir);
    const [e1, e2] = seed.events.append([
      { core: { '@timestamp': new Date(T - 5000).toISOString(), 'host.name': 'h1' }, logsource: { product: 'windows' }, profile: 'x', original: {} },
      { core: { '@timestamp': new Date(T - 9000).toISOString(), 'host.name': 'h2' }, logsource: { product: 'windows' }, profile: 'x', original: {} },
    ], T);
    seed.close();
    const db = new Database(join(dir, DB_FILE));
    db.exec(`DROP TABLE alert_events; DROP TABLE alerts;
      CREATE TABLE alerts (id INTEGER PRIMARY KEY, rule_id TEXT NOT NULL, title TEXT NOT NULL, level TEXT, tags TEXT NOT NULL,
      author TEXT, event_id INTEGER NOT NULL, last_event_id INTEGER NOT NULL, host_name TEXT, user_name TEXT, fields TEXT NOT NULL,
      status TEXT NOT NULL DEFAULT 'open', count INTEGER NOT NULL DEFAULT 1, first_seen INTEGER NOT NULL, last_seen INTEGER NOT NULL,
      kind TEXT NOT NULL DEFAULT 'match', group_key TEXT, grp TEXT);
      CREATE TABLE alert_events (alert_id INTEGER NOT NULL REFERENCES alerts (id) ON DELETE CASCADE, event_id INTEGER NOT NULL,
      PRIMARY KEY (alert_id, event_id)) WITHOUT ROWID;
      INSERT INTO alerts VALUES (1, 'r1', 'R', 'high', '[]', NULL, ${e1}, ${e1}, 'h1', NULL, '[]', 'open', 1, ${T}, ${T}, 'match', 'h1', NULL);
      INSERT INTO alerts VALUES (2, 'r1', 'R', 'high', '[]', NULL, ${e2}, ${e2}, 'h2', NULL, '[]', 'closed', 4, ${T}, ${T + 9}, 'match', 'h2', NULL);
      INSERT INTO alert_events VALUES (1, ${e1}), (2, ${e2});
      PRAGMA user_version = 2;`);
    db.close();
    const stores = openSqliteStores(dir);
    const [a, b] = [stores.alerts.get(1)!, stores.alerts.get(2)!];
    assert.deepEqual([a.status, a.eventTime, a.assignee, a.disposition, a.acknowledgedAt, a.closedAt], ['new', T - 5000, null, null, null, null]);
    assert.deepEqual([b.status, b.count, b.eventTime, b.eventIds], ['closed', 4, T - 9000, [e2]]);
    assert.equal(stores.alerts.list({ status: ['new'] }).total, 1);
    assert.equal(stores.alerts.findGroupable('r1', 'h1', T)?.id, 1, 'a migrated new alert still groups');
    stores.alerts.update(1, { assignee: 'alice' });
    stores.close();
    const again = openSqliteStores(dir);
    assert.equal(again.alerts.get(1)?.assignee, 'alice', 'reopening does not migrate twice');
    again.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('alerts: filters, grouping windows and triage fields', () => {
  const stores = openSqliteStores(':memory:');
  const [ev] = stores.events.append([{ core: { '@timestamp': new Date(T - 60_000).toISOString() }, logsource: { product: 'windows' }, profile: 'x', original: {} }], T);
  const base = { ruleId: 'r1', title: 'Whoami 100%_done', level: 'high', tags: [], author: null, eventId: ev!, hostName: 'h1', userName: 'alice', fields: [] };
  const a = stores.alerts.insert({ ...base, at: T });
  const b = stores.alerts.insert({ ...base, hostName: 'h2', at: T + 30 * 60_000 });
  const c = stores.alerts.insert({ ...base, ruleId: 'r2', title: 'Other', level: 'low', userName: 'bob', at: T + 90 * 60_000 });
  assert.equal(a.eventTime, T - 60_000, 'the first event time is stored at creation');
  assert.equal(a.status, 'new');
  stores.alerts.update(b.id, { assignee: 'carol', assignedAt: T });
  const ids = (q: Parameters<typeof stores.alerts.list>[0]): number[] => stores.alerts.list(q).alerts.map((x) => x.id).sort();
  assert.deepEqual(ids({ ruleId: 'r1' }), [a.id, b.id]);
  assert.deepEqual(ids({ level: 'low' }), [c.id]);
  assert.deepEqual(ids({ host: 'h2' }), [b.id]);
  assert.deepEqual(ids({ user: 'bob' }), [c.id]);
  assert.deepEqual(ids({ assignee: 'carol' }), [b.id]);
  assert.deepEqual(ids({ assignee: null }), [a.id, c.id]);
  assert.deepEqual(ids({ from: T + 60 * 60_000 }), [c.id]);
  assert.deepEqual(ids({ from: T + 60_000 }), [b.id, c.id]);
  assert.deepEqual(ids({ to: T + 1 }), [a.id]);
  assert.deepEqual(ids({ q: '100%_' }), [a.id, b.id], 'LIKE wildcards in q are literal');
  assert.deepEqual(ids({ q: '0%x' }), []);
  assert.deepEqual(ids({ q: 'BOB' }), [c.id]);
  assert.deepEqual(ids({ status: ['new', 'closed'], ruleId: 'r2' }), [c.id]);

  const hourly = stores.alerts.groups({ by: 'rule', windowMs: 3_600_000 });
  assert.deepEqual(hourly.groups.map((g) => [g.key, g.windowStart, g.alerts, g.alertIds]).sort(),
    [['r1', T, 2, [b.id, a.id]], ['r2', T + 3_600_000, 1, [c.id]]]);
  const byUser = stores.alerts.groups({ by: 'user', windowMs: 86_400_000, status: ['new'] });
  assert.deepEqual(byUser.groups.map((g) => [g.key, g.alerts, g.statuses]).sort(), [['alice', 2, { new: 2 }], ['bob', 1, { new: 1 }]]);
  assert.equal(stores.alerts.groups({ by: 'host', windowMs: 60_000, limit: 1 }).total, 3);
  stores.close();
});
