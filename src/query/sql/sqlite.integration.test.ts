import { before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import Database from 'better-sqlite3';
import { compileHunt, type CompileOptions } from './compile.js';
import { COLUMNS, EVENTS, NOW, SCHEMA_SQL, T0 } from './fixtures.js';

const HOUR = 3_600_000;
let db: Database.Database;

before(() => {
  db = new Database(':memory:');
  db.exec(SCHEMA_SQL);
  const insert = db.prepare(`INSERT INTO events (${COLUMNS.join(', ')}) VALUES (${COLUMNS.map(() => '?').join(', ')})`);
  const fts = db.prepare('INSERT INTO events_fts (rowid, message) VALUES (?, ?)');
  db.transaction(() => {
    for (const e of EVENTS) {
      insert.run(...COLUMNS.map((c) => e[c]));
      fts.run(e.id, e.message);
    }
  })();
});

function run(query: string, options: CompileOptions = {}): { kind: string; columns?: string[]; rows: Record<string, unknown>[] } {
  const compiled = compileHunt(query, { now: NOW, ...options });
  const rows = db.prepare(compiled.sql).all(...compiled.params) as Record<string, unknown>[];
  return { kind: compiled.kind, columns: compiled.columns, rows };
}

/** Ids in result order. */
function ids(query: string, options?: CompileOptions): number[] {
  const result = run(query, options);
  assert.equal(result.kind, 'events', `${query} should return events`);
  return result.rows.map((r) => r.id as number);
}

/** Ids as a sorted set, for filters where order is not the point. */
function idSet(query: string, options?: CompileOptions): number[] {
  return ids(query, options).sort((a, b) => a - b);
}

const inRange = EVENTS.filter((e) => e.ts >= NOW - 24 * HOUR && e.ts < NOW).map((e) => e.id);

describe('filters against SQLite', () => {
  test('an empty query returns every event in the default 24-hour range, newest first', () => {
    const got = ids('');
    assert.deepEqual([...got].sort((a, b) => a - b), inRange);
    assert.equal(got[0], 49);
    assert.ok(!got.includes(45) && !got.includes(46), 'range is [now-24h, now)');
  });

  test('fields of the normalized core are searchable by their ECS name, before the original\'s', () => {
    assert.deepEqual(idSet('event.outcome:failure'), [19, 20, 21, 22, 26]);
    assert.deepEqual(idSet('event.outcome:success and process.name:sshd'), [24, 25]);
    assert.deepEqual(idSet('process.name:sshd and not event.outcome:*'), [], 'every sshd event has a core outcome');
  });

  test('field values match case-insensitively', () => {
    assert.deepEqual(idSet('user.name:system'), [4, 6, 7]);
    assert.deepEqual(idSet('user.name:ADMINISTRATOR'), [5, 15, 16, 17]);
  });

  test('wildcards, the brief example, and ? for one character', () => {
    assert.deepEqual(idSet('process.command_line:*mimikatz*'), [3, 4, 10]);
    assert.deepEqual(idSet('process.command_line:*mimikatz* and not user.name:SYSTEM'), [3, 10]);
    assert.deepEqual(idSet('host.name:WS-0? && event.code:4688'), [1, 2, 3, 4, 6, 7, 8, 9, 10, 11, 12]);
    assert.deepEqual(idSet('process.command_line:net*domain'), [8, 9]);
  });

  test('LIKE metacharacters in values are literal', () => {
    assert.deepEqual(idSet('url.original:*%27*'), [33]);
    assert.deepEqual(idSet('url.original:*100%'), [43]);
    assert.deepEqual(idSet('url.original:/wp_admin*'), [34]);
    assert.deepEqual(idSet('url.original:/index.php\\?id=1*'), [32, 33]);
    assert.deepEqual(idSet('url.original:"/index.php?id=1\' OR 1=1 --"'), [32]);
  });

  test('not includes events that lack the field', () => {
    const notSystem = idSet('not user.name:SYSTEM');
    assert.equal(notSystem.length, inRange.length - 3);
    assert.ok(notSystem.includes(29), 'web events have no user.name and still match');
    assert.deepEqual(idSet('not user.name:* and not event.dataset:nginx.access'), [23, 28, 48, 49]);
    assert.deepEqual(idSet('winlog.event_data.LogonType:*'), [13, 14, 15, 16, 17, 18]);
  });

  test('boolean precedence, groups and implicit AND', () => {
    assert.deepEqual(idSet('user.name:alice or user.name:bob and event.code:4624'), [1, 2, 10, 13, 14, 18, 25]);
    assert.deepEqual(idSet('(user.name:alice or user.name:bob) and event.code:4624'), [13, 14, 18]);
    assert.deepEqual(idSet('host.name:DC-01 event.code:4625'), [15, 16, 17]);
    assert.deepEqual(idSet('event.code:(4624 OR 4625) AND NOT user.name:(alice or bob)'), [15, 16, 17]);
    assert.deepEqual(idSet('user.name:(a* and not admin*) event.dataset:system.auth'), [25]);
  });

  test('numeric ranges over JSON values, strings holding numbers included, non-numbers excluded', () => {
    assert.deepEqual(idSet('http.response.body.bytes>1000'), [29, 30, 34, 36, 37, 40, 43]);
    assert.deepEqual(idSet('http.response.body.bytes:[100 TO 1024]'), [31, 34, 35, 41, 42]);
    assert.deepEqual(idSet('http.response.body.bytes:{100 TO 1024}'), [31, 35, 41, 42]);
    assert.deepEqual(idSet('http.response.body.bytes < 10'), [32, 33, 39]);
    assert.deepEqual(idSet('http.response.status_code:>=500'), [32, 33]);
    assert.deepEqual(idSet('winlog.event_data.LogonType>=10'), [14]);
    assert.deepEqual(idSet('winlog.event_data.LogonType:3'), [13, 15, 16, 17]);
    assert.deepEqual(idSet('event.code:[4624 TO 4625]'), [13, 14, 15, 16, 17, 18]);
  });

  test('unmapped fields find flat dotted keys and nested objects', () => {
    assert.deepEqual(idSet('agent.version:8.12.0'), [1, 2, 3]);
    assert.deepEqual(idSet('agent.version:7.*'), [4, 5, 6, 7, 8, 9, 10, 11, 12]);
    assert.deepEqual(idSet('event.action:deny'), [48, 49]);
    assert.deepEqual(idSet('destination.port:[400 TO 500]'), [48]);
    assert.deepEqual(idSet('source.ip:203.0.113.9'), [], 'a mapped field reads its column only');
  });

  test('free text uses the FTS index: words, phrases, prefixes', () => {
    assert.deepEqual(idSet('mimikatz'), [3, 4]);
    assert.deepEqual(idSet('"failed password"'), [19, 20, 21, 22, 26]);
    assert.deepEqual(idSet('"failed password" and root'), [19, 20, 21, 26]);
    assert.deepEqual(idSet('accept*'), [24, 25]);
    assert.deepEqual(idSet('failed and user.name:admin'), [22]);
    assert.deepEqual(idSet('mimikatz OR "invalid user"'), [3, 4, 22]);
  });

  test('time: explicit ranges, relative and ISO bounds on @timestamp', () => {
    assert.deepEqual(idSet('mimikatz', { range: { from: T0 - 2 * HOUR, to: NOW } }), [3, 4, 45]);
    assert.deepEqual(idSet('event.code:4688 and @timestamp>=-23h'), [8, 9, 10, 11, 12]);
    assert.deepEqual(idSet('event.code:4688 and @timestamp:[2024-05-01T00:30:00Z TO 2024-05-01T00:50:00Z}'), [3, 4, 5]);
    assert.deepEqual(idSet('@timestamp<2024-05-01T00:15:00+00:00'), [1]);
  });
});

describe('pipes against SQLite', () => {
  test('sort, head and fields', () => {
    assert.deepEqual(ids('event.code:4625'), [17, 16, 15]);
    const result = run('event.code:4688 | sort -@timestamp | head 3 | fields user.name, host.name');
    assert.equal(result.kind, 'rows');
    assert.deepEqual(result.columns, ['user.name', 'host.name']);
    assert.deepEqual(result.rows, [
      { 'user.name': 'bob', 'host.name': 'WS-02' },
      { 'user.name': 'bob', 'host.name': 'WS-02' },
      { 'user.name': 'alice', 'host.name': 'WS-01' },
    ]);
    assert.deepEqual(ids('event.code:4688 | sort +user.name | head 2'), [5, 6]);
    assert.equal(ids('| head').length, 10);
    assert.deepEqual(ids('event.dataset:nginx.access | head 5 | sort url.original'), [41, 42, 44, 40, 43]);
  });

  test('stats count by, sort -count, head', () => {
    const result = run('| stats count() by host.name | sort -count | head 3');
    assert.deepEqual(result.columns, ['host.name', 'count']);
    assert.deepEqual(result.rows, [
      { 'host.name': 'web-01', count: 13 },
      { 'host.name': 'web-02', count: 10 },
      { 'host.name': 'DC-01', count: 6 },
    ]);
    assert.deepEqual(run('"failed password" | stats count by source.ip | sort -count').rows, [
      { 'source.ip': '203.0.113.5', count: 4 },
      { 'source.ip': '198.51.100.7', count: 1 },
    ]);
  });

  test('every aggregation, aliases and where after stats', () => {
    const result = run(
      'event.dataset:nginx.access | stats count(), sum(http.response.body.bytes) as bytes, min(http.response.body.bytes), max(http.response.body.bytes), avg(http.response.status_code), count_distinct(source.ip) by host.name',
    );
    assert.deepEqual(result.columns, ['host.name', 'count', 'bytes', 'min(http.response.body.bytes)', 'max(http.response.body.bytes)', 'avg(http.response.status_code)', 'count_distinct(source.ip)']);
    assert.deepEqual(result.rows, [
      { 'host.name': 'web-01', count: 9, bytes: 5120 + 48213 + 162 + 0 + 0 + 0 + 1048576 + 3000 + 10, 'min(http.response.body.bytes)': 0, 'max(http.response.body.bytes)': 1048576, 'avg(http.response.status_code)': (200 + 200 + 404 + 500 + 500 + 304 + 200 + 200 + 200) / 9, 'count_distinct(source.ip)': 2 },
      { 'host.name': 'web-02', count: 7, bytes: 1024 + 162 + 2048 + 1500 + 162 + 162, 'min(http.response.body.bytes)': 162, 'max(http.response.body.bytes)': 2048, 'avg(http.response.status_code)': (403 + 404 + 200 + 401 + 200 + 404 + 404) / 7, 'count_distinct(source.ip)': 4 },
    ]);
    assert.deepEqual(run('| stats count() by host.name | where count >= 6 | sort host.name').rows.map((r) => r['host.name']), ['DC-01', 'web-01', 'web-02']);
    assert.deepEqual(run('| stats count() as n by user.name | where n > 3 | where user.name != root | fields user.name').rows, [{ 'user.name': null }, { 'user.name': 'alice' }, { 'user.name': 'bob' }]);
    assert.deepEqual(run('event.code:4625 | stats min(@timestamp) as first, max(@timestamp) as last').rows, [{ first: T0 + 120 * 60_000, last: T0 + 122 * 60_000 }]);
  });

  test('timechart buckets by @timestamp, optionally by a field', () => {
    const result = run('event.code:4688 | timechart 1h count()');
    assert.deepEqual(result.columns, ['@timestamp', 'count']);
    assert.deepEqual(result.rows, [{ '@timestamp': T0, count: 7 }, { '@timestamp': T0 + HOUR, count: 5 }]);
    assert.deepEqual(run('"failed password" | timechart 30m count() by host.name').rows, [
      { '@timestamp': T0 + 3 * HOUR, 'host.name': 'web-01', count: 3 },
      { '@timestamp': T0 + 3 * HOUR, 'host.name': 'web-02', count: 1 },
      { '@timestamp': T0 + 3.5 * HOUR, 'host.name': 'web-01', count: 1 },
    ]);
  });
});

describe('hostile input against SQLite', () => {
  test("a value like x' OR 1=1 -- is only ever a parameter", () => {
    for (const query of ['user.name:"x\' OR 1=1 --"', "user.name:x'", '"x\' OR 1=1 --"', '"x\'); DROP TABLE events; --"']) {
      assert.deepEqual(ids(query), [], query);
    }
    // Unquoted, the same text is not valid query syntax ('1=1' is not a field match) and is refused.
    assert.throws(() => ids("x' OR 1=1 --"), { code: 'query.syntax' });
    assert.equal((db.prepare('SELECT count(*) AS n FROM events').get() as { n: number }).n, EVENTS.length);
  });

  test('free text cannot inject FTS5 syntax', () => {
    // As FTS5 syntax this would match the mimikatz events; as one phrase it matches nothing.
    assert.deepEqual(ids('"\\"mimikatz\\" OR password"'), []);
    assert.deepEqual(ids('"NEAR(failed password)"'), []);
    assert.deepEqual(ids('"message : failed"'), []);
  });

  test('field-name injection is rejected before SQL is built', () => {
    for (const query of ['user.name")--:x', "| stats count() by x'y", '| fields a"b', '"raw":x', 'a[0]:x', '$.a:x']) {
      assert.throws(() => compileHunt(query, { now: NOW }), (e: Error & { code?: string }) => e.code === 'query.syntax', query);
    }
  });
});
