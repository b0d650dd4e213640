import { test } from 'node:test';
import assert from 'node:assert/strict';
import { countKeysInText, countKeysInValue, hasDuplicateKeys } from './duplicate-keys.js';

test('repeated keys are found at any depth; strings that look like keys are not keys', () => {
  const cases: [string, boolean][] = [
    ['{"a":1,"b":2}', false],
    ['{"a":1,"a":2}', true],
    ['{"x":{"a":1,"a":2}}', true],
    ['[{"a":1},{"a":2}]', false],
    ['{"a":{"a":{"a":1}}}', false],
    ['{"s":"\\"a\\": 1, \\"a\\": 2","t":"x:y"}', false],
    ['{"s":"ends in backslash \\\\","a":1,"a":1}', true],
    [' { "a" : [ { "b" : 1 , "b" : 2 } ] } ', true],
    ['{"__proto__":1,"k":2}', false],
    ['{"":1,"":2}', true],
    ['"just a string"', false],
    ['{"é":1,"e":2}', false],
  ];
  for (const [text, repeats] of cases) assert.equal(hasDuplicateKeys(text, JSON.parse(text)), repeats, text);
});

test('the two counts agree on every shape JSON.stringify makes', () => {
  const value = { a: [1, { b: null, c: [[], {}], d: 'x:"y"' }], e: { f: { g: true } }, 'h:i': '"' };
  const text = JSON.stringify(value);
  assert.equal(countKeysInText(text), countKeysInValue(JSON.parse(text)));
  assert.equal(countKeysInValue(value), 8);
});

test('deep nesting is counted without recursion', () => {
  const depth = 50_000;
  const text = '{"a":'.repeat(depth) + '1' + '}'.repeat(depth);
  let v: unknown = 1;
  for (let i = 0; i < depth; i++) v = { a: v };
  assert.equal(countKeysInText(text), depth);
  assert.equal(countKeysInValue(v), depth);
});
