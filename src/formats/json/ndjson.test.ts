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

test('splitNdjson gives exactly what the streaming decoder gives, texts included', () => {
  const invalidUtf8 = new Uint8Array([0x7b, 0x22, 0x61, 0x22, 0x3a, 0x22, 0xff, 0xc3, 0x22, 0x7d, 0x0a, 0xef, 0xbb, 0xbf, 0x7b, 0x7d, 0x0a]);
  const bodies: (string | Uint8Array)[] = [
    '',
    '\n\n  \r\n',
    '  \t{"a":1}  \r\n{"b":2}',
    '\uFEFF\n\n{"a":"\u00e9"}\n\n\r\n{"b":{"c":[1,2,{}]}}\r\n',
    `{"a":1}\n${' '.repeat(21)}\n${' '.repeat(22)}\n${' '.repeat(20)}\r\n{"x":"${'y'.repeat(12)}"}\r\n{"x":"${'y'.repeat(13)}"}\r\n{"x":"${'y'.repeat(14)}"}`,
    '{"ok":1}\n{"secret":"hunter2",}\n[1]\n"str"\nnull\n{"ok":2}',
    '[1]\n{"a":1}',
    ' \n[\n  {"a":1},\n  {"b":"]},{"}\n]\n',
    '{"dup":1,"dup":2}\n{"s":"\\u00e9\\ud800"}\n{"n":1.50e2}',
    invalidUtf8,
  ];
  for (const body of bodies) {
    for (const options of [{}, { maxLineBytes: 20, file: 'f.ndjson' }, { allowArray: false }, { requireObjects: false }]) {
      const bytes = typeof body === 'string' ? enc.encode(body) : body;
      const viaDecoder = (chunk: number): NdjsonItem[] => {
        const d = new NdjsonDecoder(options);
        const out: NdjsonItem[] = [];
        for (let i = 0; i < bytes.length; i += chunk) out.push(...d.push(bytes.subarray(i, i + chunk)));
        return [...out, ...d.end()];
      };
      const fast = splitNdjson(body, options);
      const label = `${JSON.stringify(typeof body === 'string' ? body.slice(0, 40) : [...body])} ${JSON.stringify(options)}`;
      assert.deepEqual(fast, viaDecoder(bytes.length || 1), label);
      assert.deepEqual(summary(fast), summary(viaDecoder(3)), label);
      for (const item of fast) if (item.ok) assert.deepEqual(JSON.parse(item.text), item.value, label);
    }
  }
});

test('an item keeps its line text: duplicate keys and number spellings stay as sent', () => {
  const [a, b] = splitNdjson('{"dup":1,"dup":2}\r\n {"n":1.50e2}\n');
  assert.ok(a?.ok && b?.ok);
  assert.equal(a.text, '{"dup":1,"dup":2}');
  assert.deepEqual(a.value, { dup: 2 });
  assert.equal(b.text, ' {"n":1.50e2}');
});
