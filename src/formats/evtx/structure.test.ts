import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CHUNK_SIZE, chunkTables, parseEvtxBuffer, readEvtxBuffer, toXml, type EvtxRecord } from './index.js';
import { buildEvtx, V, type RecordSpec, type TemplateDef } from './testing/build.js';
import { BASE_TIME, eventDataTemplate, nestedContentTemplate, systemValues } from './testing/fixtures.js';

const NESTED = nestedContentTemplate('22222222-2222-3333-4444-555555555555');
const USER_DATA: TemplateDef = {
  guid: '33333333-2222-3333-4444-555555555555',
  id: 9,
  root: {
    el: 'UserData',
    children: [
      {
        el: 'EventXML',
        attrs: [['xmlns', [{ text: 'urn:test' }]]],
        children: [
          { el: 'Param1', children: [{ sub: 0, type: 0x01 }] },
          { el: 'Joined', children: [{ text: 'a' }, { entity: 'amp' }, { text: 'b' }, { charRef: 0x263a }] },
          { el: 'EventID', attrs: [['Qualifiers', [{ sub: 1, type: 0x06 }]]], children: [{ sub: 2, type: 0x08 }] },
          { el: 'Mixed', attrs: [['k', [{ text: 'v' }, { sub: 2, type: 0x08 }]]], children: [{ text: 'pre' }, { el: 'Child', children: [{ sub: 2, type: 0x08 }] }] },
          { el: 'Header', children: [{ text: 'h1' }] },
          { el: 'Header', children: [{ text: 'h2' }] },
          { el: 'Header', children: [{ text: 'h3' }] },
          { el: 'CD', children: [{ cdata: 'x < y' }] },
          { el: 'PI', children: [{ pi: 'target', data: 'some data' }] },
          { el: 'Data', children: [{ text: 'u1' }] },
          { el: 'Data', children: [{ text: 'u2' }] },
          { el: 'Empty' },
        ],
      },
    ],
  },
};

function userDataRecord(id: number, param: string): RecordSpec {
  const inner = V.binXml([{ instance: USER_DATA, values: [V.string(param), V.uint16(16384), V.uint32(42)] }]);
  return { id, time: BASE_TIME + BigInt(id), body: [{ instance: NESTED, values: [...systemValues({ eventId: 5, recordId: id }), inner] }] };
}

function eventOf(record: EvtxRecord): Record<string, unknown> {
  return (record.event as { Event: Record<string, unknown> }).Event;
}

test('nested BinXml UserData renders through the template of the nested fragment', () => {
  const { records, issues } = parseEvtxBuffer(buildEvtx([{ records: [userDataRecord(1, 'first')] }]));
  assert.deepEqual(issues, []);
  assert.deepStrictEqual(eventOf(records[0]!).UserData, {
    EventXML: {
      '#attributes': { xmlns: 'urn:test' },
      Param1: 'first',
      Joined: 'a&b☺',
      EventID: { '#attributes': { Qualifiers: 16384 }, '#text': 42 },
      Mixed: { '#attributes': { k: 'v42' }, '#text': 'pre', Child: 42 },
      Header: 'h1',
      Header_1: 'h2',
      Header_2: 'h3',
      CD: 'x < y',
      PI: null,
      Data: { '#text': ['u1', 'u2'] },
      Empty: null,
    },
  });
  const xml = toXml(records[0]!);
  assert.match(xml, /<UserData>\n {4}<EventXML xmlns="urn:test">\n {6}<Param1>first<\/Param1>/);
  assert.ok(xml.includes('<Joined>a&amp;b&#9786;</Joined>'));
  assert.ok(xml.includes('<EventID Qualifiers="16384">42</EventID>'));
  assert.ok(xml.includes('<CD><![CDATA[x < y]]></CD>'));
  assert.ok(xml.includes('<PI>\n        <?target some data?>\n      </PI>'));
  assert.ok(xml.includes('<Empty/>'));
});

test('templates are parsed once per chunk and reused by later records', () => {
  const buf = buildEvtx([{ records: [userDataRecord(1, 'one'), userDataRecord(2, 'two'), userDataRecord(3, 'three')] }, { records: [userDataRecord(4, 'four')] }]);
  const { records, summary } = parseEvtxBuffer(buf);
  assert.deepEqual(records.map((r) => (eventOf(r).UserData as { EventXML: { Param1: string } }).EventXML.Param1), ['one', 'two', 'three', 'four']);
  assert.deepEqual(records.map((r) => r.recordId), [1, 2, 3, 4]);
  // Two templates (outer and nested) per chunk, whatever the number of records using them.
  assert.equal(summary.templates, 4);
  assert.equal(summary.chunks, 2);
});

test('Data elements: named ones are flattened, duplicate names get suffixes', () => {
  const template = eventDataTemplate('44444444-2222-3333-4444-555555555555', [
    { name: 'Image', type: 0x01 },
    { name: 'Image', type: 0x01 },
    { name: 'Pid', type: 0x08 },
  ]);
  const values = [...systemValues({ eventId: 1, recordId: 9 }), V.string('a.exe'), V.string('b.exe'), V.uint32(4)];
  const { records } = parseEvtxBuffer(buildEvtx([{ records: [{ id: 9, time: BASE_TIME, body: [{ instance: template, values }] }] }]));
  assert.deepStrictEqual(eventOf(records[0]!).EventData, { Image: 'a.exe', Image_1: 'b.exe', Pid: 4 });
});

test('records without templates (plain elements in the record) are read too', () => {
  const body = [{ el: 'Event', children: [{ el: 'System', children: [{ el: 'EventID', children: [{ text: '7' }] }] }, { el: 'EventData', children: [{ el: 'Data', attrs: [['Name', [{ text: 'x' }]]] as [string, { text: string }[]][], children: [{ text: 'y' }] }] }] }];
  const { records, issues } = parseEvtxBuffer(buildEvtx([{ records: [{ id: 3, time: BASE_TIME, body }] }]));
  assert.deepEqual(issues, []);
  assert.deepStrictEqual(records[0]!.event, { Event: { System: { EventID: '7' }, EventData: { x: 'y' } } });
  assert.equal(toXml(records[0]!), '<Event>\n  <System>\n    <EventID>7</EventID>\n  </System>\n  <EventData>\n    <Data Name="x">y</Data>\n  </EventData>\n</Event>\n');
});

test('element names that collide with Object.prototype stay plain keys', () => {
  const body = [{ el: 'Event', children: [{ el: '__proto__', children: [{ text: 'p' }] }, { el: 'constructor', children: [{ text: 'c' }] }] }];
  const { records } = parseEvtxBuffer(buildEvtx([{ records: [{ id: 1, time: BASE_TIME, body }] }]));
  const event = eventOf(records[0]!);
  assert.equal(Object.getPrototypeOf(event), Object.prototype);
  assert.deepEqual(Object.keys(event), ['__proto__', 'constructor']);
  assert.equal(JSON.stringify(event), '{"__proto__":"p","constructor":"c"}');
});

test('records stay plain objects; toXml and JSON do not see the hidden source', () => {
  const record = readEvtxBuffer(buildEvtx([{ records: [userDataRecord(1, 'x')] }])).next().value as EvtxRecord;
  assert.deepEqual(Object.keys(record), ['recordId', 'timestamp', 'event']);
  assert.deepStrictEqual({ ...record }, { recordId: record.recordId, timestamp: record.timestamp, event: record.event });
  assert.throws(() => toXml({ ...record }), { code: 'EVTX_NOT_A_RECORD' });
});

test('chunk string and template tables list what the chunk defines', () => {
  const buf = buildEvtx([{ records: [userDataRecord(1, 'one'), userDataRecord(2, 'two')] }]);
  const tables = chunkTables(buf.subarray(4096, 4096 + CHUNK_SIZE));
  assert.deepEqual([...tables.templates.values()].sort(), ['22222222-2222-3333-4444-555555555555', '33333333-2222-3333-4444-555555555555']);
  const names = new Set(tables.strings.values());
  for (const name of ['Event', 'System', 'UserData', 'EventXML', 'Param1', 'Header', 'xmlns', 'Qualifiers']) assert.ok(names.has(name), name);
});
