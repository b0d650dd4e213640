import { test } from 'node:test';
import assert from 'node:assert/strict';
import { VigilError } from '../../core/errors.js';
import { parseSyslog } from './parse.js';

// RFC 5424 section 6.5 examples, plus escapes, multiple elements and a BOM.
test('RFC 5424 example 1: NILVALUE structured data, BOM-less MSG', () => {
  const r = parseSyslog('<34>1 2003-10-11T22:14:15.003Z mymachine.example.com su - ID47 - \'su root\' failed for lonvick on /dev/pts/8');
  assert.equal(r.format, 'rfc5424');
  assert.equal(r.priority, 34);
  assert.equal(r.facility, 4);
  assert.equal(r.severity, 2);
  assert.equal(r.version, 1);
  assert.deepEqual(r.timestamp, { epochMs: Date.UTC(2003, 9, 11, 22, 14, 15, 3), original: '2003-10-11T22:14:15.003Z' });
  assert.equal(r.hostname, 'mymachine.example.com');
  assert.equal(r.appName, 'su');
  assert.equal(r.procId, undefined);
  assert.equal(r.msgId, 'ID47');
  assert.deepEqual(r.structuredData, []);
  assert.equal(r.message, "'su root' failed for lonvick on /dev/pts/8");
});

test('RFC 5424 example 2: offset, microseconds, BOM stripped from MSG', () => {
  const r = parseSyslog('<165>1 2003-08-24T05:14:15.000003-07:00 192.0.2.1 myproc 8710 - - \uFEFF%% It\'s time to make the do-nuts.');
  assert.equal(r.timestamp?.epochMs, Date.UTC(2003, 7, 24, 12, 14, 15, 0));
  assert.equal(r.hostname, '192.0.2.1');
  assert.equal(r.procId, '8710');
  assert.equal(r.message, "%% It's time to make the do-nuts.");
});

test('RFC 5424 example 4: several SD elements, no MSG', () => {
  const r = parseSyslog('<165>1 2003-10-11T22:14:15.003Z mymachine.example.com evntslog - ID47 [exampleSDID@32473 iut="3" eventSource="Application" eventID="1011"][examplePriority@32473 class="high"]');
  assert.deepEqual(r.structuredData, [
    { id: 'exampleSDID@32473', params: [['iut', '3'], ['eventSource', 'Application'], ['eventID', '1011']] },
    { id: 'examplePriority@32473', params: [['class', 'high']] },
  ]);
  assert.equal(r.message, '');
});

test('SD-PARAM escapes \\" \\\\ \\] are decoded, other backslashes kept', () => {
  const r = parseSyslog('<14>1 - - - - - [x@1 a="say \\"hi\\"" b="c:\\\\dir" c="[1\\]" d="\\n"] msg');
  assert.deepEqual(r.structuredData[0].params, [['a', 'say "hi"'], ['b', 'c:\\dir'], ['c', '[1]'], ['d', '\\n']]);
  assert.equal(r.timestamp, undefined);
  assert.equal(r.hostname, undefined);
  assert.equal(r.message, 'msg');
});

test('non-conformant SD is kept as MSG by default and rejected when strict', () => {
  const line = '<134>1 2020-03-30T07:20:35Z gw CheckPoint 7776 - [action:"Accept"; x:"a\\]b"]';
  const r = parseSyslog(line);
  assert.deepEqual(r.structuredData, []);
  assert.equal(r.message, '[action:"Accept"; x:"a\\]b"]');
  assert.throws(() => parseSyslog(line, { strictStructuredData: true }), (err: unknown) => {
    assert.ok(err instanceof VigilError);
    assert.equal(err.code, 'SYSLOG_BAD_SD');
    assert.equal(err.location.field, 'structuredData');
    return true;
  });
});

test('errors name the field and column and carry the caller line number', () => {
  const cases: Array<[string, string, string]> = [
    ['<34>1 2003-13-11T22:14:15Z h a p m - x', 'SYSLOG_BAD_TIMESTAMP', 'timestamp'],
    ['<34>1 2003-10-11T22:14:15Z h a p', 'SYSLOG_BAD_HEADER', 'msgId'],
    ['<34>1 2003-10-11T22:14:15Z h a p m x', 'SYSLOG_BAD_SD', 'structuredData'],
    ['<34>1 - h a p m [id a="SECRETVALUE', 'SYSLOG_BAD_SD', 'structuredData'],
    ['<192>1 - h a p m -', 'SYSLOG_BAD_PRI', 'priority'],
    ['<034>1 - h a p m -', 'SYSLOG_BAD_PRI', 'priority'],
  ];
  for (const [line, code, field] of cases) {
    assert.throws(() => parseSyslog(line, { line: 7, strictStructuredData: true }), (err: unknown) => {
      assert.ok(err instanceof VigilError, line);
      assert.equal(err.code, code, line);
      assert.equal(err.location.field, field, line);
      assert.equal(err.location.line, 7);
      assert.ok(typeof err.location.column === 'number');
      assert.ok(!err.message.includes('SECRETVALUE'), 'no payload in error text');
      return true;
    });
  }
});

test('trailing CR/LF/NUL are ignored, too-long messages are rejected', () => {
  assert.equal(parseSyslog('<13>1 - - - - - - hello\r\n').message, 'hello');
  assert.equal(parseSyslog(new TextEncoder().encode('<13>1 - - - - - - h\u00e9llo\0')).message, 'h\u00e9llo');
  assert.throws(() => parseSyslog('<13>1 - - - - - - ' + 'x'.repeat(100), { maxLength: 50 }), /exceeds the limit of 50/);
});

test('hostile input: long runs of brackets and backslashes parse in linear time', () => {
  const hostile = '<13>1 - - - - - [a b="' + '\\'.repeat(200_000) + '"]' + ' ' + '['.repeat(200_000);
  const started = process.hrtime.bigint();
  parseSyslog(hostile, { maxLength: 1_000_000 });
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  assert.ok(ms < 1000, `took ${ms} ms`);
});
