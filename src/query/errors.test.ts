import { test } from 'node:test';
import assert from 'node:assert/strict';
import Database from 'better-sqlite3';
import { VigilError } from '../core/errors.js';
import { tokenAt } from './errors.js';
import { parseQuery } from './parser.js';
import { compileHunt } from './sql/compile.js';
import { COLUMNS, EVENTS, NOW, SCHEMA_SQL } from './sql/fixtures.js';
import type { SchemaMapping } from './sql/schema.js';
import { DEFAULT_SCHEMA } from './sql/schema.js';

/** DEFAULT_SCHEMA plus a numeric column, so a non-numeric bound is a plan error at its term. */
const NUMERIC: SchemaMapping = { ...DEFAULT_SCHEMA, fields: { ...DEFAULT_SCHEMA.fields, bytes: { column: 'bytes', type: 'number' } } };

function failure(query: string, schema: SchemaMapping = DEFAULT_SCHEMA): VigilError {
  try {
    compileHunt(query, { now: NOW, schema });
  } catch (err) {
    assert.ok(err instanceof VigilError, `${query}: ${String(err)}`);
    return err;
  }
  assert.fail(`${query}: compiled without an error`);
}

test('every kind of query error carries its column and the offending token', () => {
  // [query, code, column, token] across the lexer, the parser, pipe arguments, names and the compiler.
  const cases: [string, string, number, string | undefined][] = [
    ['C:\\Windows', 'query.syntax', 3, '\\Windows'],                         // lexer: bad escape
    ['a:"open', 'query.syntax', 3, '"open'],                                  // lexer: unterminated string
    ['a | stats count() by host.name | sort -count ! 3', 'query.syntax', 46, '!'], // lexer: pipe character
    ['user.name:) x', 'query.syntax', 11, ')'],                              // parser: missing value
    ['a:1 > 3', 'query.syntax', 5, '>'],                                     // parser: stray operator
    ["user'name:x", 'query.syntax', 1, "user'name"],                          // parser: field name
    ['*mimi*', 'query.syntax', 1, '*mimi*'],                                 // parser: free text wildcard
    ['f:[1 2]', 'query.syntax', 6, '2'],                                     // parser: range
    ['(a or b', 'query.syntax', 8, undefined],                               // end of query: no token
    ['a | bogus', 'query.syntax', 5, 'bogus'],                               // unknown pipe command
    ['a | stats foo(x)', 'query.syntax', 11, 'foo'],                         // unknown function
    ['a | head lots', 'query.syntax', 10, 'lots'],                           // pipe argument
    ['a | head 0', 'query.syntax', 10, '0'],                                 // pipe argument range
    ['a | timechart 1x count()', 'query.syntax', 15, '1x'],                  // pipe argument: interval
    ['a | fields a, | head', 'query.syntax', 15, '|'],                       // pipe list
    ['| stats count() by host.name | sort -user.name', 'query.plan', 37, '-user.name'], // unknown column
    ['| stats count() | fields host.name', 'query.plan', 26, 'host.name'],   // unknown column
    ['bytes>lots', 'query.plan', 1, 'bytes'],                                // non-numeric bound (compiler)
    ['@timestamp>yesterday', 'query.time', 1, '@timestamp'],                 // time bound (compiler)
  ];
  for (const [query, code, column, token] of cases) {
    const err = failure(query, NUMERIC);
    assert.equal(err.code, code, `${query}: ${err.message}`);
    assert.equal(err.location.column, column, `${query}: ${err.message}`);
    assert.equal(err.location.token, token, `${query}: ${err.message}`);
    assert.match(err.message, new RegExp(`at column ${column}\\b`), query);
  }
});

test('parseQuery attaches the token too, and an excerpt keeps hostile tokens short', () => {
  assert.throws(() => parseQuery('a | bogus'), (err: VigilError) => err.location.token === 'bogus');
  const long = `x | ${'y'.repeat(500)}`;
  assert.throws(() => parseQuery(long), (err: VigilError) => err.location.token!.length <= 41 && err.location.column === 5);
});

test('tokenAt reads quoted strings, operators and words', () => {
  assert.equal(tokenAt('a:"x y" b', 2), '"x y"');
  assert.equal(tokenAt('a >= 3', 2), '>=');
  assert.equal(tokenAt('a || b', 2), '||');
  assert.equal(tokenAt('count(x)', 0), 'count');
  assert.equal(tokenAt('a\\ b:c', 0), 'a\\ b');
  assert.equal(tokenAt('abc   ', 3), undefined);
  assert.equal(tokenAt('abc', 3), undefined);
});

test("the issue's examples all parse, compile and run", () => {
  const db = new Database(':memory:');
  db.exec(SCHEMA_SQL);
  const insert = db.prepare(`INSERT INTO events (${COLUMNS.join(', ')}) VALUES (${COLUMNS.map(() => '?').join(', ')})`);
  const fts = db.prepare('INSERT INTO events_fts (rowid, message) VALUES (?, ?)');
  for (const e of EVENTS) {
    insert.run(...COLUMNS.map((c) => e[c]));
    fts.run(e.id, e.message);
  }
  const run = (q: string) => {
    const c = compileHunt(q, { now: NOW });
    return db.prepare(c.sql).all(...c.params) as Record<string, unknown>[];
  };
  const examples: [string, (rows: Record<string, unknown>[]) => boolean][] = [
    ['process.command_line:*mimikatz* and not user.name:SYSTEM', (r) => r.length === 2],
    ['@timestamp:[now-24h TO now] and event.code:4688', (r) => r.length === 12],
    ['host.name:WS-0?', (r) => r.length > 0 && r.every((e) => /^WS-0.$/.test(String(e['host_name'])))],
    ['process.command_line:"whoami /priv"', (r) => r.length === 1],
    ['"failed password"', (r) => r.length > 0],
    ['mimikatz', (r) => r.length > 0],
    ['*', (r) => r.length === EVENTS.filter((e) => e.ts >= NOW - 24 * 3_600_000 && e.ts < NOW).length],
    ['*:* | stats count()', (r) => r[0]!['count'] === EVENTS.filter((e) => e.ts >= NOW - 24 * 3_600_000 && e.ts < NOW).length],
    ['not *', (r) => r.length === 0],
    ['event.code:4688 | stats count() by host.name', (r) => r.length === 5 && 'count' in r[0]!],
    ['| stats count() by host.name | sort -count', (r) => (r[0]!['count'] as number) >= (r[1]!['count'] as number)],
    ['event.code:4688 | head 20', (r) => r.length === 12],
    ['event.code:4688 | fields host.name, user.name', (r) => Object.keys(r[0]!).join() === 'host.name,user.name'],
    ['event.code:4688 | timechart 1h count()', (r) => r.length > 0 && '@timestamp' in r[0]!],
  ];
  for (const [query, ok] of examples) {
    const rows = run(query);
    assert.ok(ok(rows), `${query}: ${JSON.stringify(rows).slice(0, 300)}`);
  }
  db.close();
});
