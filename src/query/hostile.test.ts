import { test } from 'node:test';
import assert from 'node:assert/strict';
import Database from 'better-sqlite3';
import { VigilError } from '../core/errors.js';
import { parseQuery } from './parser.js';
import { compileHunt } from './sql/compile.js';
import { NOW, SCHEMA_SQL } from './sql/fixtures.js';

function rejects(query: string, code: string, column?: number): void {
  const started = performance.now();
  assert.throws(() => compileHunt(query, { now: NOW }), (err: unknown) => {
    assert.ok(err instanceof VigilError, String(err));
    assert.equal(err.code, code, err.message);
    if (column !== undefined) assert.equal(err.location.column, column, err.message);
    return true;
  });
  assert.ok(performance.now() - started < 1000, 'rejected quickly');
}

test('8 KiB of "(" stops at the depth limit, not the stack', () => {
  rejects('('.repeat(8192), 'query.limit', 33);
  rejects(`a:${'('.repeat(8000)}`, 'query.limit', 35);
});

test('deeply nested not / ! stop at the depth limit', () => {
  rejects(`${'not '.repeat(2000)}a`, 'query.limit', 129);
  rejects(`${'!'.repeat(8000)}a`, 'query.limit', 33);
  rejects(`${'NOT ('.repeat(1500)}a`, 'query.limit');
});

test('nesting within the limit compiles', () => {
  const q = `${'('.repeat(16)}${'not '.repeat(15)}a:b${')'.repeat(16)}`;
  assert.match(compileHunt(q, { now: NOW }).sql, /IS NOT 1/);
});

test('length, term, stage, value and wildcard limits', () => {
  rejects('a'.repeat(8193), 'query.limit');
  rejects('€'.repeat(3000), 'query.limit'); // 9000 UTF-8 bytes in 3000 characters
  rejects('a '.repeat(300), 'query.limit');
  rejects(`f:(${'x or '.repeat(300)}y)`, 'query.limit');
  rejects(`a${' | head 1'.repeat(17)}`, 'query.limit');
  rejects(`a:${'x'.repeat(1025)}`, 'query.limit', 3);
  rejects(`a:"${'x'.repeat(1025)}"`, 'query.limit', 3);
  rejects(`a:${'*a'.repeat(17)}`, 'query.limit');
  assert.ok(parseQuery(`a:${'*a'.repeat(16)}`).filter);
});

test('custom limits are honoured', () => {
  assert.throws(() => parseQuery('((a))', { maxDepth: 1 }), { code: 'query.limit' });
  assert.throws(() => parseQuery('a b c', { maxTerms: 2 }), { code: 'query.limit' });
  assert.throws(() => parseQuery('a:xxxxx', { maxValueLength: 4 }), { code: 'query.limit' });
});

test('long wildcard patterns run in bounded time in SQLite', () => {
  const db = new Database(':memory:');
  db.exec(SCHEMA_SQL);
  const haystack = 'a'.repeat(100_000);
  db.prepare('INSERT INTO events (id, ts, process_command_line, raw) VALUES (1, ?, ?, ?)').run(NOW - 1000, haystack, '{}');
  const { sql, params } = compileHunt(`process.command_line:${'*a'.repeat(15)}*b`, { now: NOW });
  const started = performance.now();
  assert.deepEqual(db.prepare(sql).all(...params), []);
  assert.ok(performance.now() - started < 2000, 'LIKE with many wildcards stays fast');
  db.close();
});

/** Small deterministic PRNG, so a failure reproduces. */
function prng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

test('fuzz: random grammar soup either compiles to SQL SQLite accepts or fails with VigilError', () => {
  const db = new Database(':memory:');
  db.exec(SCHEMA_SQL);
  const pieces = [
    'a', 'user.name', 'host.name', '@timestamp', 'x.y.z', ':', ':', ' ', ' ', ' ', '(', ')', '[', ']', '{', '}', '"', '\\',
    '*', '?', 'and', 'or', 'not', 'AND', '||', '&&', '!', '>', '>=', '<', '=', ',', '|', ' | stats count() by ',
    ' | sort -', ' | head ', ' | fields ', ' | timechart 1h ', ' | where ', 'count', '5', '-1h', '2024-05-01', 'TO',
    "'", ';', '--', '%', '_', 'é', '\u0000', '\n',
  ];
  const random = prng(20240501);
  let compiled = 0;
  for (let i = 0; i < 3000; i++) {
    let query = '';
    const n = 1 + Math.floor(random() * 14);
    for (let j = 0; j < n; j++) query += pieces[Math.floor(random() * pieces.length)];
    try {
      const result = compileHunt(query, { now: NOW });
      db.prepare(result.sql).all(...result.params);
      compiled++;
    } catch (err) {
      if (!(err instanceof VigilError)) assert.fail(`${JSON.stringify(query)} threw ${String(err)}`);
      assert.match(err.code, /^query\./);
    }
  }
  assert.ok(compiled > 200, `only ${compiled} of the random queries compiled; the fuzz is too weak`);
  db.close();
});
