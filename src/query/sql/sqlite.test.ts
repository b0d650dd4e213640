import { test } from 'node:test';
import assert from 'node:assert/strict';
import Database from 'better-sqlite3';
import { VigilError } from '../../core/errors.js';
import type { QueryPlan } from '../plan.js';
import { compileHunt, compileQuery } from './compile.js';
import { likePattern, type SqlDialect } from './dialect.js';
import { NOW, SCHEMA_SQL } from './fixtures.js';
import { render, sql, param } from './fragment.js';
import { DEFAULT_SCHEMA, type SchemaMapping } from './schema.js';
import { sqliteDialect } from './sqlite.js';

const at = { now: NOW };

test('user values travel only as parameters', () => {
  const values = ['Evil\'Value', 'needle"x', 'ph%rase_', '4625', '-1h'];
  const q = `user.name:"${values[0]}" and host.name:*${values[1]!.replace('"', '\\"')}* and "${values[2]}" and event.code:(${values[3]}) and @timestamp>${values[4]}`;
  const { sql: text, params } = compileHunt(q, at);
  for (const v of ['Evil', 'needle', 'ph%rase', '4625']) assert.ok(!text.includes(v), `${v} in SQL text`);
  assert.ok(params.includes("Evil'Value"));
  assert.ok(params.includes('%needle"x%'));
  assert.ok(params.includes('"ph%rase_"'));
  assert.ok(params.includes(NOW - 3_600_000));
  assert.equal(text.split('?').length - 1, params.length);
});

test('the time range is always applied, first, as parameters', () => {
  const { sql: text, params } = compileHunt('', { now: NOW });
  assert.match(text, /^SELECT \* FROM "events" WHERE "events"\."ts" >= \? AND "events"\."ts" < \?/);
  assert.deepEqual(params.slice(0, 2), [NOW - 86_400_000, NOW]);
  const ranged = compileHunt('', { range: { from: 5, to: 10 } });
  assert.deepEqual(ranged.params.slice(0, 2), [5, 10]);
  assert.throws(() => compileHunt('', { range: { from: 10, to: 5 } }), { code: 'query.time' });
  assert.throws(() => compileHunt('', { range: { from: Number.NaN, to: 5 } }), { code: 'query.time' });
});

test('row caps: default, configurable, never above maxRows', () => {
  assert.equal(compileHunt('', at).params.at(-1), 1000);
  assert.equal(compileHunt('', { ...at, limits: { defaultRows: 50 } }).params.at(-1), 50);
  assert.equal(compileHunt('| head 20', at).params.at(-1), 20);
  assert.equal(compileHunt('| head 5 | head 9', at).params.at(-1), 5);
  assert.equal(compileHunt('', { ...at, limits: { defaultRows: 10_000_000 } }).params.at(-1), 10_000);
});

test('unknown fields read the JSON column, flat dotted key first, then the nested path', () => {
  const { sql: text } = compileHunt('winlog.event_data.CommandLine:x and user:y', at);
  assert.ok(text.includes(`coalesce(json_extract("events"."raw", '$."winlog.event_data.CommandLine"'), json_extract("events"."raw", '$."winlog"."event_data"."CommandLine"'))`));
  assert.ok(text.includes(`json_extract("events"."raw", '$."user"')`));
});

test('compiling a hand-built plan still refuses unsafe field names', () => {
  for (const field of [`a') OR 1=1 --`, 'a"b', 'a.$', 'a[0]', '']) {
    const plan: QueryPlan = {
      filter: { type: 'exists', field, span: { start: 0, end: 1 } },
      steps: [], projection: null, kind: 'events', columns: null,
    };
    assert.throws(() => compileQuery(plan, at), { code: 'query.plan' }, field);
  }
});

test('the schema mapping is configuration', () => {
  const schema: SchemaMapping = {
    table: 'ev', key: 'rid', json: 'doc', fullText: null,
    fields: { '@timestamp': { column: 'at_ms', type: 'time' }, bytes: { column: 'nbytes', type: 'number' } },
  };
  const { sql: text, params } = compileHunt('bytes>=10 and bytes:42 and user.name:x | stats sum(bytes) by user.name', { ...at, schema });
  assert.ok(text.includes('"ev"."nbytes" >= ?'));
  assert.ok(text.includes('"ev"."nbytes" = ?'));
  assert.ok(text.includes('sum("ev"."nbytes")'), 'number columns are summed without conversion');
  assert.ok(text.includes(`json_extract("ev"."doc", '$."user.name"')`));
  assert.deepEqual(params.slice(2, 5), [10, 42, 'x']);
  assert.throws(() => compileHunt('bytes>lots', { ...at, schema }), { code: 'query.plan' });
  assert.throws(() => compileHunt('free text', { ...at, schema }), { code: 'query.plan' });
  assert.throws(() => compileHunt('', { ...at, schema: { ...schema, table: 'ev; DROP TABLE x' } }), { code: 'query.schema' });
  assert.throws(() => compileHunt('', { ...at, schema: { ...schema, fields: {} } }), { code: 'query.schema' });
  assert.throws(() => compileHunt('', { ...at, schema: { ...schema, fields: { ...schema.fields, 'a"b': { column: 'x', type: 'text' } } } }), { code: 'query.schema' });
});

test('inline mode renders safe literals, for engines without query parameters', () => {
  const { sql: text, params } = compileHunt(`user.name:"x' OR 1=1 --" and bytes>5 and "a ""b"`.replace('""b"', '\\"b"'), { ...at, inline: true });
  assert.deepEqual(params, []);
  assert.ok(text.includes(`"events"."user_name" = 'x'' OR 1=1 --' COLLATE NOCASE`));
  assert.ok(text.includes(`MATCH '"a ""b"'`));
  const db = new Database(':memory:');
  db.exec(SCHEMA_SQL);
  assert.deepEqual(db.prepare(text).all(), []);
  assert.equal(db.prepare("SELECT count(*) AS n FROM sqlite_master WHERE name = 'events'").pluck().get(), 1);
  db.close();
});

test('a dialect without parameters gets every value as a literal; placeholders are the dialect\'s', () => {
  const noParams: SqlDialect = { ...sqliteDialect, name: 'no-params', supportsParameters: false };
  assert.deepEqual(compileHunt('user.name:bob', { ...at, dialect: noParams }).params, []);
  const numbered: SqlDialect = { ...sqliteDialect, name: 'numbered', placeholder: (i) => `$${i}` };
  assert.match(compileHunt('user.name:bob | head 3', { ...at, dialect: numbered }).sql, /\$1 AND .*\$2 AND .*= \$3 COLLATE NOCASE.*LIMIT \$4$/);
});

test('SQLite literals and identifiers are escaped', () => {
  assert.equal(sqliteDialect.literal("it's"), "'it''s'");
  assert.equal(sqliteDialect.literal('back\\slash'), "'back\\slash'");
  assert.equal(sqliteDialect.literal(null), 'NULL');
  assert.equal(sqliteDialect.literal(-1.5), '-1.5');
  assert.throws(() => sqliteDialect.literal(Number.POSITIVE_INFINITY), VigilError);
  assert.throws(() => sqliteDialect.literal('a\0b'), VigilError);
  assert.equal(sqliteDialect.quoteIdentifier('a"b'), '"a""b"');
  const rendered = render(sql`SELECT ${param("x'")}`, sqliteDialect, true);
  assert.deepEqual(rendered, { sql: "SELECT 'x'''", params: [] });
});

test('LIKE patterns escape %, _ and backslash', () => {
  assert.equal(likePattern([{ kind: 'any' }, { kind: 'literal', text: '100%_\\' }, { kind: 'one' }]), '%100\\%\\_\\\\_');
});

test('not is null-safe and free text is one quoted FTS5 phrase', () => {
  const { sql: text, params } = compileHunt('not user.name:x and "say \\"NEAR\\" OR" and abc*', at);
  assert.ok(text.includes('("events"."user_name" = ? COLLATE NOCASE) IS NOT 1'));
  assert.ok(params.includes('"say ""NEAR"" OR"'));
  assert.ok(params.includes('"abc" *'));
});

test('DEFAULT_SCHEMA is frozen', () => {
  assert.ok(Object.isFrozen(DEFAULT_SCHEMA));
  assert.ok(Object.isFrozen(DEFAULT_SCHEMA.fields));
});
