import { test } from 'node:test';
import assert from 'node:assert/strict';
import { VigilError } from '../../core/errors.js';
import { readJsonValues } from './read.js';

const values = (text: string, max?: number) =>
  [...readJsonValues(text, 'f.json', max)].map((v) => (v instanceof VigilError ? `error@${v.location.line}: ${v.message}` : `${v.line}: ${JSON.stringify(v.value)}`));

test('reads JSON lines, concatenated pretty-printed objects and a top-level array with their lines', () => {
  assert.deepEqual(values('{"a":1}\n{"b":"x}{"}\n'), ['1: {"a":1}', '2: {"b":"x}{"}']);
  assert.deepEqual(values('{\n  "a": 1\n}{\n  "b": [1, 2]\n}\n'), ['1: {"a":1}', '3: {"b":[1,2]}']);
  assert.deepEqual(values('\ufeff[\n{"a":1},\n{"b":2}\n]'), ['1: {"a":1}', '1: {"b":2}']);
});

test('bad values are reported with their line and the rest is still read', () => {
  assert.deepEqual(values('{"a":1}\nnot json\n{"b":2}'), ['1: {"a":1}', 'error@2: expected a JSON object', '3: {"b":2}']);
  const bad = values('{"a":tru}\n{"b":2}');
  assert.match(bad[0]!, /^error@1: JSON value: invalid JSON/);
  assert.doesNotMatch(bad[0]!, /tru/);
  assert.equal(bad[1], '2: {"b":2}');
  assert.deepEqual(values('{"a":1}\n{"b":'), ['1: {"a":1}', 'error@2: JSON value is not closed before the end of input']);
  assert.deepEqual(values(`{"a":"${'x'.repeat(100)}"}\n{"b":2}`, 50), ['error@1: JSON value is larger than 50 bytes', '2: {"b":2}']);
});
