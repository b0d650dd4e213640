import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseQuery } from './parser.js';
import { planQuery } from './plan.js';

const plan = (q: string) => planQuery(parseQuery(q));

test('output kind and columns follow the last shaping stage', () => {
  assert.deepEqual([plan('a').kind, plan('a').columns], ['events', null]);
  assert.deepEqual([plan('a | sort -@timestamp | head 5').kind], ['events']);
  assert.deepEqual(plan('a | fields host.name, user.name').columns, ['host.name', 'user.name']);
  assert.deepEqual(plan('| stats count(), avg(bytes) as mean by host.name').columns, ['host.name', 'count', 'mean']);
  assert.deepEqual(plan('| timechart 1h max(bytes) by host.name').columns, ['@timestamp', 'host.name', 'max(bytes)']);
  assert.deepEqual(plan('| fields a, b | stats count() by a').columns, ['a', 'count']);
  assert.deepEqual(plan('| stats count() by a | fields count').columns, ['count']);
});

test('a projection is deferred to the end; other stages keep their order', () => {
  const p = plan('x | fields a, b | sort -a | head 3 | stats count() by b | where count > 1');
  assert.equal(p.projection, null, 'fields before stats does not shape the output');
  assert.deepEqual(p.steps.map((s) => s.op), ['sort', 'limit', 'aggregate', 'filter']);
});

test('nested AND/OR of the same kind are flattened', () => {
  const p = plan('(a:1 and (b:2 and c:3)) and d:4');
  assert.equal(p.filter?.type, 'and');
  assert.equal(p.filter?.type === 'and' && p.filter.children.length, 4);
});
