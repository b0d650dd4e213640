import { test } from 'node:test';
import assert from 'node:assert/strict';
import { NdjsonDecoder, splitNdjson, type NdjsonItem } from './ndjson.js';

const enc = new TextEncoder();

function feed(text: string, chunk: number, options = {}): NdjsonItem[] {
  const bytes = enc.encode(text);
  const d = new NdjsonDecoder(options);
  const out: NdjsonItem[] = [];
  for (let i = 0; i < bytes.length; i += chunk) out.push(...d.push(bytes.subarray(i, i + chunk)));
  out.push(...d.end());
  return out;
}

const summary = (items: NdjsonItem[]): unknown[] => items.map((i) => (i.ok ? [i.line, i.value] : [i.line, i.error.code]));

test('lines in any chunking; blank lines, CRLF and a BOM are handled; last line needs no newline', () => {
  const body = '\uFEFF{"a":1}\r\n\n   \n{"b":"\u00e9\\n"}\n{"c":[1,2]}';
  for (const chunk of [1, 2, 5, 1000]) {
    assert.deepEqual(summary(feed(body, chunk)), [[1, { a: 1 }], [4, { b: '\u00e9\n' }], [5, { c: [1, 2] }]], `chunk ${chunk}`);
  }
});

test('errors carry line numbers and never quote the payload', () => {
  const items = feed('{"ok":1}\n{"secret":"hunter2",}\n[1]\n"str"\n{"ok":2}\n', 3);
  assert.deepEqual(summary(items), [[1, { ok: 1 }], [2, 'JSON_BAD_LINE'], [3, 'JSON_NOT_OBJECT'], [4, 'JSON_NOT_OBJECT'], [5, { ok: 2 }]]);
  const bad = items[1];
  assert.ok(!bad.ok);
  assert.equal(bad.error.location.line, 2);
  assert.ok(!bad.error.message.includes('hunter2'), bad.error.message);
  assert.match(bad.error.message, /^line 2: invalid JSON/);
});

test('over-long lines are reported and skipped, later lines survive', () => {
  const body = `{"a":1}\n{"big":"${'x'.repeat(100)}"}\n{"b":2}\n`;
  for (const chunk of [1, 7, 1000]) {
    assert.deepEqual(summary(feed(body, chunk, { maxLineBytes: 20 })), [[1, { a: 1 }], [2, 'JSON_LINE_TOO_LONG'], [3, { b: 2 }]]);
  }
});

test('a single JSON array body is split into its elements, with element line numbers', () => {
  const body = ' \n[\n  {"a":1},\n  {"b":"]},{"},\n  {"c":{"d":[{}]}}\n]\n';
  for (const chunk of [1, 4, 1000]) {
    assert.deepEqual(summary(feed(body, chunk)), [[3, { a: 1 }], [4, { b: ']},{' }], [5, { c: { d: [{}] } }]], `chunk ${chunk}`);
  }
  assert.deepEqual(summary(splitNdjson('[]')), []);
  assert.deepEqual(summary(splitNdjson('[1, {"a":2}]')), [[1, 'JSON_NOT_OBJECT'], [1, { a: 2 }]]);
  assert.deepEqual(summary(splitNdjson('[1, 2]', { requireObjects: false })), [[1, 1], [1, 2]]);
});

test('malformed arrays are reported once', () => {
  assert.deepEqual(summary(splitNdjson('[{"a":1} {"b":2}]')), [[1, { a: 1 }], [1, 'JSON_BAD_ARRAY']]);
  assert.deepEqual(summary(splitNdjson('[{"a":1},')), [[1, { a: 1 }], [1, 'JSON_BAD_ARRAY']]);
  assert.deepEqual(summary(splitNdjson('[{"a":1}] x')), [[1, { a: 1 }], [1, 'JSON_TRAILING_DATA']]);
  const big = splitNdjson(`[{"a":"${'x'.repeat(50)}"},{"b":1}]`, { maxLineBytes: 20 });
  assert.deepEqual(summary(big), [[1, 'JSON_LINE_TOO_LONG'], [1, { b: 1 }]]);
});

test('array bodies can be disabled: then [ starts an ordinary (non-object) line', () => {
  assert.deepEqual(summary(splitNdjson('[1]\n{"a":1}', { allowArray: false })), [[1, 'JSON_NOT_OBJECT'], [2, { a: 1 }]]);
});

test('hostile input: deep nesting and long strings scan in linear time', () => {
  const deep = '['.repeat(500_000) + ']'.repeat(500_000);
  const started = Date.now();
  const items = splitNdjson(`${deep}\n{"s":"${'\\\\'.repeat(200_000)}"}`, { requireObjects: false, allowArray: false, maxLineBytes: 2_000_000 });
  assert.ok(Date.now() - started < 2000);
  assert.equal(items.length, 2);
});
