import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import Database from 'better-sqlite3';
import { compileHunt, type CompileOptions, type EventSource } from './compile.js';
import { COLUMNS, EVENTS, NOW, SCHEMA_SQL, T0 } from './fixtures.js';

const HOUR = 3_600_000;
let db: Database.Database;
const PARTS: EventSource[] = ['p1', 'p2', 'p3'].map((t) => ({ table: t, fullText: { table: `${t}_fts` } }));

// The fixture events in one table, and the same events spread over three tables (ids kept) the way a
// partitioned store holds them: every query must give identical rows either way.
before(() => {
  db = new Database(':memory:');
  db.exec(SCHEMA_SQL);
  for (const p of PARTS) {
    db.exec(SCHEMA_SQL.replace(/events_fts/g, `${p.table}_fts`).replace(/events_ts/g, `${p.table}_ts`).replace(/\bevents\b/g, p.table));
  }
  const placeholders = COLUMNS.map(() => '?').join(', ');
  db.transaction(() => {
    EVENTS.forEach((e, i) => {
      const values = COLUMNS.map((c) => e[c]);
      db.prepare(`INSERT INTO events (${COLUMNS.join(', ')}) VALUES (${placeholders})`).run(...values);
      db.prepare('INSERT INTO events_fts (rowid, message) VALUES (?, ?)').run(e.id, e.message);
      const p = PARTS[i % 3]!.table;
      db.prepare(`INSERT INTO ${p} (${COLUMNS.join(', ')}) VALUES (${placeholders})`).run(...values);
      db.prepare(`INSERT INTO ${p}_fts (rowid, message) VALUES (?, ?)`).run(e.id, e.message);
    });
  })();
});

const QUERIES = [
  '', 'user.name:system', 'process.command_line:*mimikatz* and not user.name:SYSTEM', 'host.name:WS-0? && event.code:4688',
  'url.original:*%27*', 'not user.name:* and not event.dataset:nginx.access', 'winlog.event_data.LogonType:*',
  'user.name:alice or user.name:bob and event.code:4624', 'event.code:(4624 OR 4625) AND NOT user.name:(alice or bob)',
  'http.response.body.bytes:[100 TO 1024]', 'http.response.status_code:>=500', 'agent.version:7.*',
  'mimikatz', '"failed password"', '"failed password" and root', 'accept*', 'failed and user.name:admin', 'mimikatz OR "invalid user"',
  'event.code:4688 and @timestamp>=-23h', '@timestamp<2024-05-01T00:15:00+00:00',
  'event.code:4625', 'event.code:4688 | sort -@timestamp | head 3 | fields user.name, host.name',
  'event.code:4688 | sort +user.name | head 2', '| head', '| head 7', 'event.dataset:nginx.access | head 5 | sort url.original',
  '| stats count() by host.name | sort -count | head 3', '"failed password" | stats count by source.ip | sort -count',
  'event.dataset:nginx.access | stats count(), sum(http.response.body.bytes) as bytes, min(http.response.body.bytes), max(http.response.body.bytes), avg(http.response.status_code), count_distinct(source.ip) by host.name',
  '| stats count() by host.name | where count >= 6 | sort host.name', '| stats count() as n by user.name | where n > 3 | where user.name != root | fields user.name',
  'event.code:4625 | stats min(@timestamp) as first, max(@timestamp) as last', '| stats count()', 'nosuchword | stats count()',
  'event.code:4688 | timechart 1h count()', '"failed password" | timechart 30m count() by host.name',
  '| where user.name = alice', '| sort user.name | head 4 | where host.name = WS-01', '| fields host.name, user.name | head 12',
  'event.code:4688 | head 4 | stats count() by host.name',
];

function rows(query: string, options: CompileOptions): unknown[] {
  const q = compileHunt(query, { now: NOW, ...options });
  return db.prepare(q.sql).all(...q.params);
}

test('every query gives the same rows over three tables as over one, with or without a wide range', () => {
  for (const range of [undefined, { from: T0 - 2 * HOUR, to: NOW + HOUR }]) {
    for (const query of QUERIES) {
      const one = rows(query, { range });
      const over = compileHunt(query, { now: NOW, range }).over(PARTS);
      assert.deepEqual(db.prepare(over.sql).all(...over.params), one, query);
      assert.deepEqual(rows(query, { range, sources: PARTS }), one, query);
      const single = compileHunt(query, { now: NOW, range, sources: [{ table: 'events', fullText: { table: 'events_fts' } }] });
      assert.deepEqual(db.prepare(single.sql).all(...single.params), one, query);
    }
  }
});

test('whole tables (all rows inside the range) give the same rows without the time bounds; aggregates read only the columns used', () => {
  const range = { from: T0 - 2 * HOUR, to: NOW + HOUR };
  assert.ok(EVENTS.every((e) => e.ts >= range.from && e.ts < range.to), 'the range holds every fixture event');
  const whole = PARTS.map((p) => ({ ...p, whole: true }));
  for (const query of QUERIES) {
    const q = compileHunt(query, { now: NOW, range, sources: whole });
    assert.deepEqual(db.prepare(q.sql).all(...q.params), rows(query, { range }), query);
  }
  const stats = compileHunt('| stats count() by host.name', { now: NOW, range, sources: whole });
  assert.doesNotMatch(stats.sql, /"ts" >=/, stats.sql);
  assert.match(stats.sql, /SELECT "id", "ts", "host_name" FROM "p1"/, stats.sql);
  // The flag really drops the bounds: on a range that leaves events out, it would let them in.
  const narrow = compileHunt('| stats count()', { now: NOW, sources: whole });
  assert.ok((db.prepare(narrow.sql).get(...narrow.params) as { count: number }).count > inDefaultRange(), 'whole is the caller\'s promise');
});

function inDefaultRange(): number {
  return EVENTS.filter((e) => e.ts >= NOW - 24 * HOUR && e.ts < NOW).length;
}

test('a limited event query takes only its first rows from each table', () => {
  const q = compileHunt('event.code:4688 | head 3', { now: NOW, sources: PARTS });
  assert.equal(q.sql.match(/LIMIT \?/g)?.length, 4, q.sql);
  assert.equal(q.range.to, NOW);
});

test('sources are validated like the schema, and at least one is needed', () => {
  assert.throws(() => compileHunt('x', { now: NOW, sources: [] }), { code: 'query.schema' });
  assert.throws(() => compileHunt('x', { now: NOW, sources: [{ table: 'p1; DROP', fullText: null }] }), { code: 'query.schema' });
  assert.throws(() => compileHunt('x', { now: NOW, sources: [{ table: 'p1', fullText: { table: 'x"y' } }] }), { code: 'query.schema' });
});

test('more tables than one compound SELECT may hold are nested', () => {
  const many: EventSource[] = Array.from({ length: 901 }, (_, i) => PARTS[i % 3]!);
  // Each event appears 300 or 301 times; counting over the union proves every table was read.
  const q = compileHunt('| stats count()', { now: NOW, sources: many });
  const total = (db.prepare(q.sql).get(...q.params) as { count: number }).count;
  assert.equal(total, (rows('| stats count()', {})[0] as { count: number }).count * 300 + rows('| stats count()', { sources: [PARTS[0]!] }).map((r) => (r as { count: number }).count)[0]!);
});
