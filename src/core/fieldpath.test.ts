import { test } from 'node:test';
import assert from 'node:assert/strict';
import { getPath, compilePath } from './fieldpath.js';

test('getPath resolves nested, flat-dotted and mixed keys', () => {
  const event = { a: { b: { c: 1 } }, 'x.y': 2, m: { 'n.o': 3 } };
  assert.equal(getPath(event, 'a.b.c'), 1);
  assert.equal(getPath(event, 'x.y'), 2);
  assert.equal(getPath(event, 'm.n.o'), 3);
  assert.equal(getPath(event, 'a.z'), undefined);
  assert.equal(compilePath('a.b.c')(event), 1);
  assert.equal(compilePath('m.n.o')(event), 3);
  assert.equal(compilePath('x.y')(event), 2);
});
