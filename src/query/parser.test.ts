import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseQuery } from './parser.js';
import type { Expr, QueryAst } from './ast.js';

/** The AST without source spans, for readable expectations. */
function shape(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(shape);
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).filter(([k]) => k !== 'span').map(([k, v]) => [k, shape(v)]));
  }
  return value;
}

const filter = (q: string): unknown => shape(parseQuery(q).filter);
const exact = (field: string, text: string, quoted = false): unknown => ({ type: 'match', field, value: { text, pattern: null, quoted } });
const text = (t: string, prefix = false): unknown => ({ type: 'text', text: t, prefix });

test('field:value, quoted phrases, free text and prefixes', () => {
  assert.deepEqual(filter('user.name:SYSTEM'), exact('user.name', 'SYSTEM'));
  assert.deepEqual(filter('field:"quoted phrase"'), exact('field', 'quoted phrase', true));
  assert.deepEqual(filter('field: spaced'), exact('field', 'spaced'));
  assert.deepEqual(filter('mimikatz'), text('mimikatz'));
  assert.deepEqual(filter('"failed password"'), text('failed password'));
  assert.deepEqual(filter('mimi*'), text('mimi', true));
  assert.equal(parseQuery('').filter, null);
  assert.equal(parseQuery('   ').filter, null);
});

test('field names with dots, @, _ and -', () => {
  assert.deepEqual(filter('@timestamp:1'), exact('@timestamp', '1'));
  assert.deepEqual(filter('winlog.event_data.Command-Line:x'), exact('winlog.event_data.Command-Line', 'x'));
});

test('wildcards become patterns; escaped wildcards stay literal', () => {
  assert.deepEqual(filter('field:*mimi*'), {
    type: 'match', field: 'field',
    value: { text: '*mimi*', pattern: [{ kind: 'any' }, { kind: 'literal', text: 'mimi' }, { kind: 'any' }], quoted: false },
  });
  assert.deepEqual(filter('host.name:web-??'), {
    type: 'match', field: 'host.name',
    value: { text: 'web-??', pattern: [{ kind: 'literal', text: 'web-' }, { kind: 'one' }, { kind: 'one' }], quoted: false },
  });
  assert.deepEqual(filter('a:x**y'), {
    type: 'match', field: 'a', value: { text: 'x**y', pattern: [{ kind: 'literal', text: 'x' }, { kind: 'any' }, { kind: 'literal', text: 'y' }], quoted: false },
  });
  assert.deepEqual(filter('a:x\\*y'), exact('a', 'x*y'));
  assert.deepEqual(filter('a:"x*y"'), exact('a', 'x*y', true));
});

test('backslash escapes: specials, spaces, quotes, backslashes', () => {
  assert.deepEqual(filter('path:C\\:\\\\Windows\\\\System32'), exact('path', 'C:\\Windows\\System32'));
  assert.deepEqual(filter('a:hello\\ world'), exact('a', 'hello world'));
  assert.deepEqual(filter('a:"say \\"hi\\""'), exact('a', 'say "hi"', true));
  assert.deepEqual(filter('a:\\(x\\)'), exact('a', '(x)'));
  assert.deepEqual(filter('a\\:b'), text('a:b'));
});

test('values after ":" may hold colons (IPv6, times, drive letters)', () => {
  assert.deepEqual(filter('source.ip:fe80::1'), exact('source.ip', 'fe80::1'));
  assert.deepEqual(filter('t:2024-05-01T10:00:00Z'), exact('t', '2024-05-01T10:00:00Z'));
});

test('exists and not exists', () => {
  assert.deepEqual(filter('field:*'), { type: 'exists', field: 'field' });
  assert.deepEqual(filter('not field:*'), { type: 'not', child: { type: 'exists', field: 'field' } });
});

test('ranges: comparisons, brackets, braces and open ends', () => {
  const range = (field: string, lower: unknown, upper: unknown): unknown => ({ type: 'range', field, lower, upper });
  assert.deepEqual(filter('bytes>1000'), range('bytes', { text: '1000', inclusive: false }, null));
  assert.deepEqual(filter('bytes >= 10'), range('bytes', { text: '10', inclusive: true }, null));
  assert.deepEqual(filter('bytes<5'), range('bytes', null, { text: '5', inclusive: false }));
  assert.deepEqual(filter('bytes<=5'), range('bytes', null, { text: '5', inclusive: true }));
  assert.deepEqual(filter('bytes:>5'), range('bytes', { text: '5', inclusive: false }, null));
  assert.deepEqual(filter('f:[10 TO 20]'), range('f', { text: '10', inclusive: true }, { text: '20', inclusive: true }));
  assert.deepEqual(filter('f:{10 to 20}'), range('f', { text: '10', inclusive: false }, { text: '20', inclusive: false }));
  assert.deepEqual(filter('f:[10 TO 20}'), range('f', { text: '10', inclusive: true }, { text: '20', inclusive: false }));
  assert.deepEqual(filter('f:[* TO 20]'), range('f', null, { text: '20', inclusive: true }));
  assert.deepEqual(filter('@timestamp:["2024-05-01" TO *]'), range('@timestamp', { text: '2024-05-01', inclusive: true }, null));
  assert.deepEqual(filter('@timestamp>=2024-05-01T10:00:00Z'), range('@timestamp', { text: '2024-05-01T10:00:00Z', inclusive: true }, null));
});

test('operators in every spelling, precedence NOT > AND > OR, implicit AND', () => {
  const a = exact('a', '1');
  const b = exact('b', '2');
  const c = exact('c', '3');
  for (const q of ['a:1 and b:2', 'a:1 AND b:2', 'a:1 And b:2', 'a:1 && b:2', 'a:1 b:2', 'a:1&&b:2']) {
    assert.deepEqual(filter(q), { type: 'and', children: [a, b] }, q);
  }
  for (const q of ['a:1 or b:2', 'a:1 OR b:2', 'a:1 || b:2', 'a:1||b:2']) {
    assert.deepEqual(filter(q), { type: 'or', children: [a, b] }, q);
  }
  for (const q of ['not a:1', 'NOT a:1', '!a:1', '! a:1']) assert.deepEqual(filter(q), { type: 'not', child: a }, q);
  assert.deepEqual(filter('a:1 or b:2 and c:3'), { type: 'or', children: [a, { type: 'and', children: [b, c] }] });
  assert.deepEqual(filter('(a:1 or b:2) c:3'), { type: 'and', children: [{ type: 'or', children: [a, b] }, c] });
  assert.deepEqual(filter('not a:1 b:2'), { type: 'and', children: [{ type: 'not', child: a }, b] });
  assert.deepEqual(filter('not not a:1'), { type: 'not', child: { type: 'not', child: a } });
});

test('field groups apply the field to every value', () => {
  assert.deepEqual(filter('f:(a or b or "c d")'), { type: 'or', children: [exact('f', 'a'), exact('f', 'b'), exact('f', 'c d', true)] });
  assert.deepEqual(filter('f:(a and not (b or c*))'), {
    type: 'and',
    children: [exact('f', 'a'), {
      type: 'not',
      child: { type: 'or', children: [exact('f', 'b'), { type: 'match', field: 'f', value: { text: 'c*', pattern: [{ kind: 'literal', text: 'c' }, { kind: 'any' }], quoted: false } }] },
    }],
  });
  assert.deepEqual(filter('n:(>5 and <10)'), {
    type: 'and',
    children: [
      { type: 'range', field: 'n', lower: { text: '5', inclusive: false }, upper: null },
      { type: 'range', field: 'n', lower: null, upper: { text: '10', inclusive: false } },
    ],
  });
});

test('spans point at the source', () => {
  const ast = parseQuery('x and user.name:SYSTEM');
  const and = ast.filter as Extract<Expr, { type: 'and' }>;
  assert.deepEqual(and.children[1]!.span, { start: 6, end: 22 });
});

test('pipes: stats, timechart, sort, head, fields, where', () => {
  const ast: QueryAst = parseQuery(
    'a | stats count(), count_distinct(user.name) as users, sum(bytes) by host.name, source.ip | where users >= 2 | sort -count, +host.name | head 20 | fields host.name, count',
  );
  assert.deepEqual(shape(ast.stages), [
    {
      type: 'stats',
      aggregations: [
        { fn: 'count', field: null, name: 'count' },
        { fn: 'count_distinct', field: 'user.name', name: 'users' },
        { fn: 'sum', field: 'bytes', name: 'sum(bytes)' },
      ],
      by: [{ name: 'host.name' }, { name: 'source.ip' }],
    },
    { type: 'where', expr: { type: 'range', field: 'users', lower: { text: '2', inclusive: true }, upper: null } },
    { type: 'sort', keys: [{ name: 'count', desc: true }, { name: 'host.name', desc: false }] },
    { type: 'head', count: 20 },
    { type: 'fields', names: [{ name: 'host.name' }, { name: 'count' }] },
  ]);
  assert.deepEqual(shape(parseQuery('| timechart 15m count() by host.name').stages), [
    { type: 'timechart', intervalMs: 900_000, aggregations: [{ fn: 'count', field: null, name: 'count' }], by: [{ name: 'host.name' }] },
  ]);
  assert.deepEqual(shape(parseQuery('| timechart 1d').stages), [
    { type: 'timechart', intervalMs: 86_400_000, aggregations: [{ fn: 'count', field: null, name: 'count' }], by: [] },
  ]);
  assert.deepEqual(shape(parseQuery('| head').stages), [{ type: 'head', count: 10 }]);
  assert.deepEqual(shape(parseQuery('| STATS COUNT(*) BY a b | sort count() | where a != "x y" | where count = -3').stages), [
    { type: 'stats', aggregations: [{ fn: 'count', field: null, name: 'count' }], by: [{ name: 'a' }, { name: 'b' }] },
    { type: 'sort', keys: [{ name: 'count', desc: false }] },
    { type: 'where', expr: { type: 'not', child: { type: 'match', field: 'a', value: { text: 'x y', pattern: null, quoted: true } } } },
    { type: 'where', expr: { type: 'match', field: 'count', value: { text: '-3', pattern: null, quoted: true } } },
  ]);
});

test('a pipe character inside quotes or escaped is part of the value', () => {
  assert.deepEqual(filter('a:"x | y"'), exact('a', 'x | y', true));
  assert.deepEqual(filter('a:x\\|y'), exact('a', 'x|y'));
  assert.equal(parseQuery('a:"x | y" | head 1').stages.length, 1);
});
