import { test } from 'node:test';
import assert from 'node:assert/strict';
import { engineFor, matches } from '../testing/helpers.js';
import { MODIFIERS } from './modifiers.js';
import { base64Offsets } from './encodings.js';

type Case = [detection: string, event: Record<string, unknown>, expected: boolean];

function check(name: string, cases: Case[]): void {
  test(name, () => {
    for (const [det, event, expected] of cases) {
      const engine = engineFor(det);
      assert.equal(matches(engine, event), expected, `${det.replace(/\n/g, ' | ')} on ${JSON.stringify(event)}`);
    }
  });
}

check('plain values are case-insensitive whole-value matches; numbers and booleans compare as text', [
  ['sel:\n  Image: C:\\Windows\\cmd.exe\ncondition: sel', { Image: 'c:\\windows\\CMD.EXE' }, true],
  ['sel:\n  Image: cmd.exe\ncondition: sel', { Image: 'C:\\Windows\\cmd.exe' }, false],
  ['sel:\n  EventID: 4688\ncondition: sel', { EventID: 4688 }, true],
  ['sel:\n  EventID: 4688\ncondition: sel', { EventID: '4688' }, true],
  ['sel:\n  Enabled: true\ncondition: sel', { Enabled: true }, true],
  ['sel:\n  Enabled: true\ncondition: sel', { Enabled: 'false' }, false],
  ['sel:\n  EventID:\n    - 1\n    - 2\ncondition: sel', { EventID: 2 }, true],
  ['sel:\n  tags: admin\ncondition: sel', { tags: ['user', 'ADMIN'] }, true],
]);

check('contains, startswith, endswith', [
  ['sel:\n  CommandLine|contains: mimikatz\ncondition: sel', { CommandLine: 'run MimiKatz.exe now' }, true],
  ['sel:\n  CommandLine|contains: mimikatz\ncondition: sel', { CommandLine: 'run mimi katz' }, false],
  ['sel:\n  Image|startswith: C:\\Temp\\\ncondition: sel', { Image: 'c:\\temp\\x.exe' }, true],
  ['sel:\n  Image|endswith: \\cmd.exe\ncondition: sel', { Image: 'C:\\Windows\\System32\\cmd.exe' }, true],
  ['sel:\n  Image|endswith: \\cmd.exe\ncondition: sel', { Image: 'C:\\Windows\\System32\\cmd.exe.bak' }, false],
]);

check('all links values with AND; single values and lists', [
  ['sel:\n  CommandLine|contains|all:\n    - -enc\n    - hidden\ncondition: sel', { CommandLine: 'powershell -w hidden -enc AAA' }, true],
  ['sel:\n  CommandLine|contains|all:\n    - -enc\n    - hidden\ncondition: sel', { CommandLine: 'powershell -enc AAA' }, false],
]);

check('wildcards and escapes', [
  ["sel:\n  Image: '*\\\\rundll32.exe'\ncondition: sel", { Image: 'C:\\x\\rundll32.exe' }, true],
  ["sel:\n  Name: 'prog?.exe'\ncondition: sel", { Name: 'progA.exe' }, true],
  ["sel:\n  Name: 'prog?.exe'\ncondition: sel", { Name: 'progAB.exe' }, false],
  ["sel:\n  Name: 'a*b*c'\ncondition: sel", { Name: 'axxbyyc' }, true],
  ["sel:\n  Name: 'a*b*c'\ncondition: sel", { Name: 'axxcyyb' }, false],
  ["sel:\n  Name: 'what\\?'\ncondition: sel", { Name: 'what?' }, true],
  ["sel:\n  Name: 'what\\?'\ncondition: sel", { Name: 'whatX' }, false],
  ["sel:\n  Name: 'star\\*'\ncondition: sel", { Name: 'star*' }, true],
  ["sel:\n  Name: 'star\\*'\ncondition: sel", { Name: 'starry' }, false],
  ["sel:\n  Path: 'C:\\\\*'\ncondition: sel", { Path: 'C:\\anything' }, true],
  ["sel:\n  Path: 'C:\\\\\\*'\ncondition: sel", { Path: 'C:\\*' }, true],
  ["sel:\n  Path: 'C:\\\\\\*'\ncondition: sel", { Path: 'C:\\x' }, false],
  ["sel:\n  Path: '\\\\\\\\server'\ncondition: sel", { Path: '\\\\server' }, true],
]);

check('null, empty and exists', [
  ['sel:\n  Field: null\ncondition: sel', {}, true],
  ['sel:\n  Field: null\ncondition: sel', { Field: null }, true],
  ['sel:\n  Field: null\ncondition: sel', { Field: 'x' }, false],
  ["sel:\n  Field: ''\ncondition: sel", { Field: '' }, true],
  ["sel:\n  Field: ''\ncondition: sel", { Field: 'x' }, false],
  ['sel:\n  Field|exists: true\ncondition: sel', { Field: '' }, true],
  ['sel:\n  Field|exists: true\ncondition: sel', { Other: 1 }, false],
  ['sel:\n  Field|exists: false\ncondition: sel', { Other: 1 }, true],
  ['sel:\n  Field|exists: false\ncondition: sel', { Field: null }, false],
]);

check('cased', [
  ['sel:\n  Name|cased: Admin\ncondition: sel', { Name: 'Admin' }, true],
  ['sel:\n  Name|cased: Admin\ncondition: sel', { Name: 'admin' }, false],
  ['sel:\n  Name|contains|cased: Adm\ncondition: sel', { Name: 'xAdmx' }, true],
  ['sel:\n  Name|contains|cased: Adm\ncondition: sel', { Name: 'xadmx' }, false],
]);

check('neq', [
  ['sel:\n  User|neq: SYSTEM\ncondition: sel', { User: 'alice' }, true],
  ['sel:\n  User|neq: SYSTEM\ncondition: sel', { User: 'system' }, false],
  ['sel:\n  Port|neq:\n    - 80\n    - 443\ncondition: sel', { Port: 443 }, false],
  ['sel:\n  Port|neq:\n    - 80\n    - 443\ncondition: sel', { Port: 22 }, true],
]);

check('gt, gte, lt, lte compare numbers, including numeric strings', [
  ['sel:\n  Bytes|gt: 1000\ncondition: sel', { Bytes: 1001 }, true],
  ['sel:\n  Bytes|gt: 1000\ncondition: sel', { Bytes: 1000 }, false],
  ['sel:\n  Bytes|gte: 1000\ncondition: sel', { Bytes: '1000' }, true],
  ['sel:\n  Bytes|lt: 10\ncondition: sel', { Bytes: 9.5 }, true],
  ['sel:\n  Bytes|lte: 10\ncondition: sel', { Bytes: 11 }, false],
  ['sel:\n  Bytes|lte: 10\ncondition: sel', { Bytes: 'ten' }, false],
]);

check('re with i, m and s flags and a leading (?i)', [
  ['sel:\n  CommandLine|re: \'-e(nc|ncodedcommand) [A-Za-z0-9+/=]{8,}\'\ncondition: sel', { CommandLine: 'powershell -enc SQBFAFgAIAAo' }, true],
  ["sel:\n  Name|re: '^admin$'\ncondition: sel", { Name: 'ADMIN' }, false],
  ["sel:\n  Name|re|i: '^admin$'\ncondition: sel", { Name: 'ADMIN' }, true],
  ["sel:\n  Name|re: '(?i)^admin$'\ncondition: sel", { Name: 'ADMIN' }, true],
  ["sel:\n  Text|re: '^second$'\ncondition: sel", { Text: 'first\nsecond' }, false],
  ["sel:\n  Text|re|m: '^second$'\ncondition: sel", { Text: 'first\nsecond' }, true],
  ["sel:\n  Text|re: 'first.second'\ncondition: sel", { Text: 'first\nsecond' }, false],
  ["sel:\n  Text|re|s: 'first.second'\ncondition: sel", { Text: 'first\nsecond' }, true],
]);

check('cidr for IPv4 and IPv6', [
  ['sel:\n  DestinationIp|cidr: 10.0.0.0/8\ncondition: sel', { DestinationIp: '10.1.2.3' }, true],
  ['sel:\n  DestinationIp|cidr: 10.0.0.0/8\ncondition: sel', { DestinationIp: '11.1.2.3' }, false],
  ['sel:\n  DestinationIp|cidr:\n    - 192.168.0.0/16\n    - fe80::/10\ncondition: sel', { DestinationIp: 'fe80::1' }, true],
  ['sel:\n  DestinationIp|cidr: 2001:db8::/32\ncondition: sel', { DestinationIp: '2001:db9::1' }, false],
  ['sel:\n  DestinationIp|cidr: 10.0.0.0/8\ncondition: sel', { DestinationIp: 'not an ip' }, false],
]);

check('base64, base64offset, utf16le/be/utf16/wide', [
  ['sel:\n  Data|base64: secret\ncondition: sel', { Data: Buffer.from('secret').toString('base64') }, true],
  ['sel:\n  Data|base64offset|contains: http://\ncondition: sel', { Data: Buffer.from('xx http://evil').toString('base64') }, true],
  ['sel:\n  Data|base64offset|contains: http://\ncondition: sel', { Data: Buffer.from('x http://evil').toString('base64') }, true],
  ['sel:\n  Data|base64offset|contains: http://\ncondition: sel', { Data: Buffer.from('http://evil').toString('base64') }, true],
  ['sel:\n  Data|base64offset|contains: http://\ncondition: sel', { Data: Buffer.from('ftp://evil').toString('base64') }, false],
  ['sel:\n  CommandLine|utf16le|base64offset|contains: IEX\ncondition: sel', { CommandLine: 'powershell -enc ' + Buffer.from('  IEX (New-Object)', 'utf16le').toString('base64') }, true],
  ['sel:\n  CommandLine|wide|base64offset|contains: IEX\ncondition: sel', { CommandLine: Buffer.from('a IEX', 'utf16le').toString('base64') }, true],
  ['sel:\n  Raw|utf16le: cmd\ncondition: sel', { Raw: 'c\u0000m\u0000d\u0000' }, true],
  ['sel:\n  Raw|utf16be: cmd\ncondition: sel', { Raw: '\u0000c\u0000m\u0000d' }, true],
  ['sel:\n  Raw|utf16: cmd\ncondition: sel', { Raw: '\u00ff\u00fec\u0000m\u0000d\u0000' }, true],
  ['sel:\n  Raw|utf16|base64offset|contains: cmd\ncondition: sel', { Raw: Buffer.from([0xff, 0xfe, 0x63, 0, 0x6d, 0, 0x64, 0]).toString('base64') }, true],
]);

test('base64offset produces the three shifted encodings', () => {
  assert.deepEqual(base64Offsets('/bin/bash'), ['L2Jpbi9iYXNo', '9iaW4vYmFza', 'vYmluL2Jhc2']);
});

check('windash accepts every dash form', [
  ['sel:\n  CommandLine|windash|contains: -exec bypass\ncondition: sel', { CommandLine: 'powershell /exec bypass' }, true],
  ['sel:\n  CommandLine|windash|contains: -exec bypass\ncondition: sel', { CommandLine: 'powershell \u2013exec bypass' }, true],
  ['sel:\n  CommandLine|windash|contains: -exec bypass\ncondition: sel', { CommandLine: 'powershell \u2014exec bypass' }, true],
  ['sel:\n  CommandLine|windash|contains: -exec bypass\ncondition: sel', { CommandLine: 'powershell \u2015exec bypass' }, true],
  ['sel:\n  CommandLine|windash|contains: -exec bypass\ncondition: sel', { CommandLine: 'powershell +exec bypass' }, false],
]);

check('fieldref compares two fields of the same event, also with neq', [
  ['sel:\n  TargetUserName|fieldref: SubjectUserName\ncondition: sel', { TargetUserName: 'Bob', SubjectUserName: 'bob' }, true],
  ['sel:\n  TargetUserName|fieldref: SubjectUserName\ncondition: sel', { TargetUserName: 'Bob', SubjectUserName: 'alice' }, false],
  ['sel:\n  TargetUserName|fieldref|neq: SubjectUserName\ncondition: sel', { TargetUserName: 'Bob', SubjectUserName: 'alice' }, true],
  ['sel:\n  a|fieldref|contains: b\ncondition: sel', { a: 'xxhelloxx', b: 'hello' }, true],
]);

check('time modifiers read UTC parts of ISO and Windows timestamps and epochs', [
  ["sel:\n  UtcTime|hour: 3\ncondition: sel", { UtcTime: '2025-10-22 03:33:27.274' }, true],
  ["sel:\n  UtcTime|hour|gte: 20\ncondition: sel", { UtcTime: '2025-10-22T21:00:00Z' }, true],
  ["sel:\n  UtcTime|hour|gte: 20\ncondition: sel", { UtcTime: '2025-10-22T19:00:00Z' }, false],
  ["sel:\n  t|minute: 33\ncondition: sel", { t: '2025-10-22T20:33:27Z' }, true],
  ["sel:\n  t|day: 22\ncondition: sel", { t: '2025-10-22T20:33:27Z' }, true],
  ["sel:\n  t|week: 43\ncondition: sel", { t: '2025-10-22T20:33:27Z' }, true],
  ["sel:\n  t|month: 10\ncondition: sel", { t: 1761165207000 }, true],
  ["sel:\n  t|year: 2025\ncondition: sel", { t: 1761165207 }, true],
  ["sel:\n  t|year: 2025\ncondition: sel", { t: 'not a date' }, false],
]);

test('expand takes placeholder values from configuration and never matches while unset', () => {
  const det = "sel:\n  User|expand: '%Administrators%'\ncondition: sel";
  const configured = engineFor(det, '', { Administrators: ['adm_*', 'root'] });
  assert.equal(matches(configured, { User: 'adm_alice' }), true);
  assert.equal(matches(configured, { User: 'root' }), true);
  assert.equal(matches(configured, { User: 'alice' }), false);
  const unset = engineFor(det);
  assert.equal(unset.stats.placeholders.length, 1);
  assert.deepEqual(unset.stats.placeholders[0]!.placeholders, ['Administrators']);
  assert.equal(matches(unset, { User: '%Administrators%' }), false);
});

test('every modifier of the spec is registered', () => {
  for (const m of ['contains', 'startswith', 'endswith', 'all', 'base64', 'base64offset', 'utf16le', 'utf16be', 'utf16', 'wide', 'windash', 're', 'i', 'm', 's', 'cidr', 'exists', 'fieldref', 'gt', 'gte', 'lt', 'lte', 'neq', 'cased', 'expand', 'minute', 'hour', 'day', 'week', 'month', 'year']) {
    assert.ok(MODIFIERS.has(m), m);
  }
});
