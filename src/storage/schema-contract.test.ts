import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ECS_CORE_KEYS } from '../formats/profiles/types.js';
import { DEFAULT_SCHEMA } from '../query/sql/schema.js';

test('the hunt schema reads every ECS core field: from its column, else from the core JSON', () => {
  const columns = Object.keys(DEFAULT_SCHEMA.fields);
  const inCore = DEFAULT_SCHEMA.coreJson?.fields ?? [];
  assert.deepEqual([...columns, ...inCore].sort(), [...ECS_CORE_KEYS].sort());
  assert.equal(columns.filter((f) => inCore.includes(f)).length, 0, 'no field both ways');
});
