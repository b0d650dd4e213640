import { test } from 'node:test';
import assert from 'node:assert/strict';
import { hecResponse, parseHecEvents, parseHecRaw } from './hec.js';

test('concatenated event objects without separators, with all metadata', () => {
  const body = '{"event":"hello","time":1426279439.123}{"event":{"msg":"}{"},"host":"web01","source":"app","sourcetype":"_json","index":"main","fields":{"env":"prod","tags":["a","b"]}}\n\n {"time":"1426279440","event":"x"}';
  const r = parseHecEvents(body, { defaults: { host: 'from-token', index: 'default' } });
  assert.equal(r.error, undefined);
  assert.deepEqual(r.events, [
    { event: 'hello', time: 1426279439123, number: 0, host: 'from-token', index: 'default' },
    { event: { msg: '}{' }, number: 1, host: 'web01', source: 'app', sourcetype: '_json', index: 'main', fields: { env: 'prod', tags: ['a', 'b'] } },
    { event: 'x', time: 1426279440000, number: 2, host: 'from-token', index: 'default' },
  ]);
  assert.deepEqual(hecResponse(r), { status: 200, body: { text: 'Success', code: 0 } });
});

test('Splunk error codes, invalid-event-number, and the valid prefix kept', () => {
  const cases: Array<[string, number, number | undefined, number]> = [
    ['', 5, undefined, 0],
    ['{"event":"a"}{"time":1}', 12, 1, 1],
    ['{"event":""}', 13, 0, 0],
    ['{"event":"a"}{"event":"b","time":"soon"}', 6, 1, 1],
    ['{"event":"a"}{"event":"b",}', 6, 1, 1],
    ['{"event":"a"} [1]', 6, 1, 1],
    ['{"event":"a","fields":{"x":{"nested":1}}}', 15, 0, 0],
    ['{"event":"a","host":5}', 6, 0, 0],
    ['{"event":"a"}{"event":', 6, 1, 1],
  ];
  for (const [body, code, invalid, kept] of cases) {
    const r = parseHecEvents(body);
    assert.equal(r.error?.code, code, body);
    assert.equal(r.error?.invalidEventNumber, invalid, body);
    assert.equal(r.events.length, kept, body);
    const res = hecResponse(r);
    assert.equal(res.status, 400);
    assert.equal(res.body.code, code);
    if (invalid !== undefined) assert.equal(res.body['invalid-event-number'], invalid);
  }
});

test('event size and count limits', () => {
  const r = parseHecEvents(`{"event":"a"}{"event":"${'x'.repeat(100)}"}`, { maxEventBytes: 50 });
  assert.equal(r.error?.code, 6);
  assert.match(r.error?.detail.message ?? '', /longer than the limit of 50 bytes/);
  assert.equal(parseHecEvents('{"event":1}{"event":2}{"event":3}', { maxEvents: 2 }).error?.status, 503);
});

test('raw endpoint: one event per line, metadata from the request', () => {
  const r = parseHecRaw('line one\r\n\nline two\n', { defaults: { sourcetype: 'syslog', host: 'h' } });
  assert.deepEqual(r.events, [
    { event: 'line one', number: 0, sourcetype: 'syslog', host: 'h' },
    { event: 'line two', number: 1, sourcetype: 'syslog', host: 'h' },
  ]);
  assert.equal(parseHecRaw('\n\n').error?.code, 5);
  const long = parseHecRaw(`ok\n${'x'.repeat(20)}\nnever`, { maxEventBytes: 10 });
  assert.equal(long.events.length, 1);
  assert.equal(long.error?.invalidEventNumber, 1);
  assert.equal(long.error?.detail.location.line, 2);
});
