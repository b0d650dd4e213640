import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseEvtxBuffer, toXml } from './index.js';
import { buildEvtx, V, type ValueSpec } from './testing/build.js';
import { BASE_TIME, SYSTEM_VALUES, eventDataTemplate, systemValues } from './testing/fixtures.js';

/** Every substitution value type once: [Data name, value, expected JSON, expected libevtx XML text]. */
const CASES: [string, ValueSpec, unknown, string][] = [
  ['string', V.string('a <b> & "c"'), 'a <b> & "c"', 'a &lt;b&gt; &amp; "c"'],
  ['emptyString', V.string(''), '', ''],
  ['ansi', V.ansi('caf\xe9 \x80'), 'café €', 'café €'],
  ['int8', V.int8(-5), -5, '-5'],
  ['uint8', V.uint8(250), 250, '250'],
  ['int16', V.int16(-300), -300, '-300'],
  ['uint16', V.uint16(60000), 60000, '60000'],
  ['int32', V.int32(-70000), -70000, '-70000'],
  ['uint32', V.uint32(4000000000), 4000000000, '4000000000'],
  ['int64', V.int64(-5000000000n), -5000000000, '-5000000000'],
  ['uint64', V.uint64(2n ** 53n - 1n), 2 ** 53 - 1, '9007199254740991'],
  ['uint64Big', V.uint64(18446744073709551615n), '18446744073709551615', '18446744073709551615'],
  ['real32', V.real32(-0.1), -0.1, '-1.000000e-001'],
  ['real64', V.real64(123456.789), 123456.789, '1.234568e+005'],
  ['bool', V.bool(true), true, 'true'],
  ['boolFalse', V.bool(false), false, 'false'],
  ['binary', V.binary(Buffer.from([0xde, 0xad, 0x01])), 'DEAD01', 'DEAD01'],
  ['guid', V.guid('{01234567-89AB-CDEF-0123-456789ABCDEF}'), '01234567-89AB-CDEF-0123-456789ABCDEF', '{01234567-89AB-CDEF-0123-456789ABCDEF}'],
  ['sizeT', V.sizeT(0x1234n, 8), 4660, '4660'],
  ['sizeT32', V.sizeT(7n, 4), 7, '7'],
  ['fileTime', V.fileTime(132000000001234567n), '2019-04-17T18:40:00.123456Z', '2019-04-17T18:40:00.123456700Z'],
  ['systemTime', V.systemTime(new Date('2020-02-29T23:59:58.123Z')), '2020-02-29T23:59:58.123Z', '2020-02-29T23:59:58.123Z'],
  ['sid', V.sid('S-1-5-21-1-2-3-500'), 'S-1-5-21-1-2-3-500', 'S-1-5-21-1-2-3-500'],
  ['hex32', V.hex32(0xbeef), '0xbeef', '0x0000beef'],
  ['hex64', V.hex64(0x3e7n), '0x3e7', '0x00000000000003e7'],
  ['evtHandle', V.evtHandle(7), 7, '7'],
  ['evtXml', V.evtXml('<x/>'), '<x/>', '&lt;x/&gt;'],
  ['null', V.null(), null, ''],
];

function build(cases: [string, ValueSpec, unknown, string][]): Buffer {
  const template = eventDataTemplate('11111111-2222-3333-4444-555555555555', cases.map(([name, v]) => ({ name, type: v.type })));
  const values = [...systemValues({ eventId: 1, recordId: 1, user: 'S-1-5-18' }), ...cases.map(([, v]) => v)];
  return buildEvtx([{ records: [{ id: 1, time: BASE_TIME, body: [{ instance: template, values }] }] }]);
}

test('every scalar substitution type decodes to the Rust evtx JSON value', () => {
  const { records, issues } = parseEvtxBuffer(build(CASES));
  assert.deepEqual(issues, []);
  const data = (records[0]!.event as { Event: { EventData: Record<string, unknown> } }).Event.EventData;
  for (const [name, , json] of CASES) assert.deepStrictEqual(data[name], json, name);
});

test('every scalar substitution type prints the way libevtx prints it', () => {
  const xml = toXml(parseEvtxBuffer(build(CASES)).records[0]!);
  for (const [name, , , text] of CASES) {
    const expected = text === '' ? `<Data Name="${name}"/>` : `<Data Name="${name}">${text}</Data>`;
    assert.ok(xml.includes(expected), `${name}: expected ${expected}`);
  }
});

test('arrays become JSON arrays and repeat their element in XML', () => {
  const cases: [string, ValueSpec, unknown, string][] = [
    ['strings', V.array([V.string('one'), V.string(''), V.string('three')]), ['one', '', 'three'], ''],
    ['ansis', V.array([V.ansi('x'), V.ansi('yz')]), ['x', 'yz'], ''],
    ['uint16s', V.array([V.uint16(1), V.uint16(2)]), [1, 2], ''],
    ['int8s', V.array([V.int8(-1), V.int8(2)]), [-1, 2], ''],
    ['int64s', V.array([V.int64(-1n), V.int64(2n ** 60n)]), [-1, '1152921504606846976'], ''],
    ['reals', V.array([V.real64(0.5), V.real64(-2)]), [0.5, -2], ''],
    ['bools', V.array([V.bool(true), V.bool(false)]), [true, false], ''],
    ['guids', V.array([V.guid('01234567-89AB-CDEF-0123-456789ABCDEF')]), ['01234567-89AB-CDEF-0123-456789ABCDEF'], ''],
    ['sids', V.array([V.sid('S-1-5-18'), V.sid('S-1-5-32-544')]), ['S-1-5-18', 'S-1-5-32-544'], ''],
    ['hex32s', V.array([V.hex32(1), V.hex32(255)]), ['0x1', '0xff'], ''],
    ['hex64s', V.array([V.hex64(1n), V.hex64(2n)]), ['0x1', '0x2'], ''],
    ['filetimes', V.array([V.fileTime(132000000000000000n)]), ['2019-04-17T18:40:00.000000Z'], ''],
    ['systimes', V.array([V.systemTime(new Date('2021-01-02T03:04:05.006Z'))]), ['2021-01-02T03:04:05.006Z'], ''],
  ];
  const { records, issues } = parseEvtxBuffer(build(cases));
  assert.deepEqual(issues, []);
  const data = (records[0]!.event as { Event: { EventData: Record<string, unknown> } }).Event.EventData;
  for (const [name, , json] of cases) assert.deepStrictEqual(data[name], json, name);
  const xml = toXml(records[0]!);
  assert.match(xml, /<Data Name="strings">one<\/Data>\n\s+<Data Name="strings"\/>\n\s+<Data Name="strings">three<\/Data>/);
  assert.match(xml, /<Data Name="uint16s">1<\/Data>\n\s+<Data Name="uint16s">2<\/Data>/);
  assert.match(xml, /<Data Name="sids">S-1-5-18<\/Data>\n\s+<Data Name="sids">S-1-5-32-544<\/Data>/);
});

test('System values follow the Rust evtx layout', () => {
  const { records } = parseEvtxBuffer(build([['x', V.uint8(1), 1, '1']]));
  const event = records[0]!.event as { Event: Record<string, unknown> };
  assert.deepStrictEqual(event.Event['#attributes'], { xmlns: 'http://schemas.microsoft.com/win/2004/08/events/event' });
  assert.deepStrictEqual(event.Event.System, {
    Provider: { '#attributes': { Name: 'Microsoft-Windows-Sysmon', Guid: '5770385F-C22A-43E0-BF4C-06F5698FFBD9' } },
    EventID: 1,
    Version: 5,
    Level: 4,
    Task: 1,
    Opcode: 0,
    Keywords: '0x8000000000000000',
    TimeCreated: { '#attributes': { SystemTime: '2024-05-01T12:34:56.789123Z' } },
    EventRecordID: 1,
    Correlation: null,
    Execution: { '#attributes': { ProcessID: 2032, ThreadID: 2020 } },
    Channel: 'Microsoft-Windows-Sysmon/Operational',
    Computer: 'host.example',
    Security: { '#attributes': { UserID: 'S-1-5-18' } },
  });
  assert.equal(records[0]!.timestamp, '2024-05-01T12:34:56.7891234Z');
  assert.equal(records[0]!.recordId, 1);
  assert.equal(SYSTEM_VALUES, 16);
});

test('an optional substitution with a Null value drops its element in XML and stays null in JSON', () => {
  const template = eventDataTemplate('11111111-2222-3333-4444-555555555555', [
    { name: 'kept', type: 0x01 },
    { name: 'dropped', type: 0x0e, optional: true },
  ]);
  const values = [...systemValues({ eventId: 1, recordId: 1 }), V.string('v'), V.null()];
  const buf = buildEvtx([{ records: [{ id: 1, time: BASE_TIME, body: [{ instance: template, values }] }] }]);
  const record = parseEvtxBuffer(buf).records[0]!;
  assert.deepStrictEqual((record.event as { Event: { EventData: unknown } }).Event.EventData, { kept: 'v', dropped: null });
  const xml = toXml(record);
  assert.ok(!xml.includes('dropped'));
  assert.ok(xml.includes('<Security/>'), 'an attribute with a Null value is left out');
});
