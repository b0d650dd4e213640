import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { compileHunt } from '../../query/sql/compile.js';
import { DEFAULT_SCHEMA } from '../../query/sql/schema.js';
import { openSqliteStores } from './index.js';

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
  assert.equal(stores.alerts.updateStatus(a.id, 'closed')?.status, 'closed');
  assert.equal(stores.alerts.findGroupable('r1', 'h', T - 1), undefined, 'closed alerts do not group');
  assert.equal(stores.alerts.list({ status: 'closed' }).total, 1);
  assert.equal(stores.alerts.list({ limit: 1, offset: 1 }).alerts.length, 1);
  assert.equal(stores.alerts.list().total, 2);
  assert.equal(stores.alerts.updateStatus(99, 'open'), undefined);
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
