import { test } from 'node:test';
import assert from 'node:assert/strict';
import { csvField, csvLine } from './csv.js';

test('csvField quotes only fields with a comma, quote, CR or LF and doubles quotes', () => {
  assert.equal(csvField('plain'), 'plain');
  assert.equal(csvField('a,b'), '"a,b"');
  assert.equal(csvField('say "hi"'), '"say ""hi"""');
  assert.equal(csvField('x\ny'), '"x\ny"');
  assert.equal(csvField('x\ry'), '"x\ry"');
  assert.equal(csvLine(['a', 'b,c', '']), 'a,"b,c",\r\n');
});
