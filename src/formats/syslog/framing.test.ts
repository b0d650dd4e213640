import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SyslogFrameDecoder, type FrameEvent } from './framing.js';

const enc = new TextEncoder();
const dec = new TextDecoder();

function run(input: string, chunkSizes: number[] | 'bytewise', maxFrameBytes?: number): Array<string | { error: string; offset: number }> {
  const bytes = enc.encode(input);
  const decoder = new SyslogFrameDecoder(maxFrameBytes === undefined ? {} : { maxFrameBytes });
  const events: FrameEvent[] = [];
  let pos = 0;
  let k = 0;
  while (pos < bytes.length) {
    const size = chunkSizes === 'bytewise' ? 1 : chunkSizes[k++ % chunkSizes.length];
    events.push(...decoder.push(bytes.subarray(pos, pos + size)));
    pos += size;
  }
  events.push(...decoder.end());
  return events.map((e) => (e.type === 'frame' ? dec.decode(e.data) : { error: e.error.code, offset: e.offset }));
}

const octet = (msg: string): string => `${enc.encode(msg).length} ${msg}`;

test('octet-counted frames, including embedded newlines, in any chunking', () => {
  const a = '<34>1 2003-10-11T22:14:15.003Z h su - ID47 - line one\nstill one';
  const b = '<13>1 - - - - - h\u00e9';
  const input = octet(a) + octet(b);
  for (const chunks of [[input.length + 10], [1], [3, 7], [2, 1, 5], 'bytewise'] as const) {
    assert.deepEqual(run(input, chunks as number[] | 'bytewise'), [a, b], String(chunks));
  }
});

test('newline framing: LF, CRLF, NUL; empty frames skipped; last line without delimiter kept', () => {
  const input = '<13>Oct 11 22:14:15 h a: one\r\n<13>Oct 11 22:14:15 h a: two\n\n\0<13>three\0<13>four';
  for (const chunks of [[1000], [1], [4, 9]]) {
    assert.deepEqual(run(input, chunks), ['<13>Oct 11 22:14:15 h a: one', '<13>Oct 11 22:14:15 h a: two', '<13>three', '<13>four']);
  }
});

test('lines that start with digits but are not octet counts stay newline-framed', () => {
  const input = '2019-06-14T10:40:20.912134 localhost sudo: x\n12 apples\n7 <13>1 - -\n';
  assert.deepEqual(run(input, 'bytewise'), ['2019-06-14T10:40:20.912134 localhost sudo: x', '12 apples', '<13>1 -', ' -']);
});

test('mixed framings on one connection, with LF after octet frames (some senders add one)', () => {
  const input = octet('<13>1 - - - - - a') + '\n' + '<13>b\n' + octet('<13>1 - - - - - c');
  assert.deepEqual(run(input, [5]), ['<13>1 - - - - - a', '<13>b', '<13>1 - - - - - c']);
});

test('oversized frames are reported and skipped without losing the following frames', () => {
  const big = '<13>' + 'x'.repeat(100);
  const input = octet(big) + octet('<13>ok1') + big + '\n' + '<13>ok2\n' + octet('<13>ok3');
  for (const chunks of [[1000], [1], [7]]) {
    const out = run(input, chunks, 32);
    assert.deepEqual(out.map((e) => (typeof e === 'string' ? e : e.error)), [
      'SYSLOG_FRAME_TOO_LARGE', '<13>ok1', 'SYSLOG_FRAME_TOO_LARGE', '<13>ok2', '<13>ok3',
    ], String(chunks));
    const offsets = out.filter((e) => typeof e !== 'string').map((e) => (e as { offset: number }).offset);
    assert.deepEqual(offsets, [0, octet(big).length + octet('<13>ok1').length]);
  }
  // Exactly at the limit is fine, with or without a CR before LF.
  const exact = 'y'.repeat(32);
  assert.deepEqual(run(`${exact}\r\n${exact}\n`, [1000], 32), [exact, exact]);
});

test('a stream that ends inside an octet-counted frame reports it', () => {
  const out = run('100 <13>1 short', [1000]);
  assert.deepEqual(out, [{ error: 'SYSLOG_FRAME_TRUNCATED', offset: 0 }]);
});

test('frame offsets are stream byte offsets', () => {
  const decoder = new SyslogFrameDecoder();
  const frames = [...decoder.push(enc.encode('<13>a\n<13>\u00e9\n')), ...decoder.push(enc.encode('<13>c\n'))];
  assert.deepEqual(frames.map((f) => f.offset), [0, 6, 13]);
});
