import { test } from 'node:test';
import assert from 'node:assert/strict';
import { conditionHolds, describeCondition, isDeferred } from './condition.js';

test('conditions AND their operators', () => {
  assert.equal(conditionHolds({ gt: 100, lte: 200 }, 100), false);
  assert.equal(conditionHolds({ gt: 100, lte: 200 }, 150), true);
  assert.equal(conditionHolds({ gt: 100, lte: 200 }, 201), false);
  assert.equal(conditionHolds({ neq: 0 }, 0.5), true);
  assert.equal(describeCondition({ gt: 100, lte: 200, field: 'x' }), 'gt 100 and lte 200');
});

test('only lower bounds are decided while a window is open', () => {
  assert.equal(isDeferred({ gt: 1 }), false);
  assert.equal(isDeferred({ gte: 1, field: 'x' }), false);
  for (const c of [{ lt: 1 }, { lte: 1 }, { eq: 1 }, { neq: 1 }, { gte: 1, lt: 5 }]) assert.equal(isDeferred(c), true, JSON.stringify(c));
});
