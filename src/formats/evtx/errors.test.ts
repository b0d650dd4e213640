import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { VigilError } from '../../core/errors.js';
import { parseEvtxBuffer, readEvtx, type EvtxIssue } from './index.js';
import { buildEvtx, V, type RecordSpec, type TemplateDef, type XNode } from './testing/build.js';
import { BASE_TIME, eventDataTemplate, systemValues } from './testing/fixtures.js';

const TEMPLATE = eventDataTemplate('55555555-2222-3333-4444-555555555555', [{ name: 'CommandLine', type: 0x01 }]);
const CHUNK = 4096;

function rec(id: number, text = `cmd ${id}`): RecordSpec {
  return { id, time: BASE_TIME, body: [{ instance: TEMPLATE, values: [...systemValues({ eventId: 1, recordId: id }), V.string(text)] }] };
}

function codes(issues: EvtxIssue[]): string[] {
  return issues.map((i) => `${i.severity} ${i.code} @${i.location.offset}`);
}

test('a clean file has no issues', () => {
  const { records, issues, summary } = parseEvtxBuffer(buildEvtx([{ records: [rec(1), rec(2)] }]));
  assert.equal(records.length, 2);
  assert.deepEqual(issues, []);
  assert.equal(summary.header?.checksumOk, true);
  assert.equal(summary.header?.chunkCount, 1);
});

test('checksum mismatches are warnings with their offsets, never fatal', () => {
  const buf = buildEvtx([{ records: [rec(1), rec(2)] }]);
  buf[100] ^= 0xff; // file header, inside the CRC'd 120 bytes
  buf[CHUNK + 300] ^= 0xff; // chunk header: common string table
  const text = Buffer.from('cmd 2', 'utf16le');
  buf[buf.indexOf(text, CHUNK) + 8] = 0x37; // record data: "cmd 2" -> "cmd 7"
  const { records, issues } = parseEvtxBuffer(buf);
  assert.deepEqual(codes(issues), [
    'warning EVTX_CHECKSUM @124',
    `warning EVTX_CHECKSUM @${CHUNK + 124}`,
    `warning EVTX_CHECKSUM @${CHUNK + 52}`,
  ]);
  assert.deepEqual(records.map((r) => (r.event as { Event: { EventData: { CommandLine: string } } }).Event.EventData.CommandLine), ['cmd 1', 'cmd 7']);
  assert.ok(issues.every((i) => i instanceof VigilError));
});

test('a damaged record header ends its chunk but not the file', () => {
  const buf = buildEvtx([{ records: [rec(1), rec(2), rec(3)] }, { records: [rec(4)] }]);
  const second = buf.indexOf(Buffer.from([0x2a, 0x2a, 0, 0]), CHUNK + 512 + 4);
  buf.writeUInt32LE(0xdeadbeef, second);
  const { records, issues } = parseEvtxBuffer(buf);
  assert.deepEqual(records.map((r) => r.recordId), [1, 4]);
  assert.ok(codes(issues).includes(`error EVTX_RECORD @${second}`));
});

test('damaged BinXML skips one record, the next ones still parse', () => {
  const buf = buildEvtx([{ records: [rec(1), rec(2), rec(3)] }]);
  const second = buf.indexOf(Buffer.from([0x2a, 0x2a, 0, 0]), CHUNK + 512 + 4);
  buf[second + 24 + 4] = 0x7f; // the template instance token of record 2
  const { records, issues } = parseEvtxBuffer(buf);
  assert.deepEqual(records.map((r) => r.recordId), [1, 3]);
  const binxml = issues.filter((i) => i.code === 'EVTX_BINXML');
  assert.equal(binxml.length, 1);
  assert.equal(binxml[0]!.recordId, 2);
  assert.equal(binxml[0]!.location.offset, second + 28);
});

test('a template that instantiates itself is reported, not followed', () => {
  const inner: TemplateDef = { guid: '66666666-2222-3333-4444-555555555555', root: { el: 'Inner' } };
  const outer: TemplateDef = { guid: '77777777-2222-3333-4444-555555555555', root: { el: 'Outer', children: [{ instance: inner, values: [] }] } };
  const buf = buildEvtx([{ records: [{ id: 1, time: BASE_TIME, body: [{ instance: outer, values: [] }] }, rec(2)] }]);
  const outerDef = buf.readUInt32LE(CHUNK + 512 + 24 + 4 + 6);
  const innerGuid = buf.indexOf(Buffer.from('66666666', 'hex'), CHUNK);
  buf.writeUInt32LE(outerDef, innerGuid - 8); // inner instance now points back at the outer definition
  const { records, issues } = parseEvtxBuffer(buf);
  assert.deepEqual(records.map((r) => r.recordId), [2]);
  assert.match(issues.find((i) => i.code === 'EVTX_BINXML')!.message, /refers to itself/);
});

test('nesting deeper than the guard is an error for that record only', () => {
  let node: XNode = { el: 'Leaf' };
  for (let i = 0; i < 200; i++) node = { el: 'N', children: [node] };
  const deep: TemplateDef = { guid: '88888888-2222-3333-4444-555555555555', root: node };
  const buf = buildEvtx([{ records: [{ id: 1, time: BASE_TIME, body: [{ instance: deep, values: [] }] }, rec(2)] }]);
  const { records, issues } = parseEvtxBuffer(buf);
  assert.deepEqual(records.map((r) => r.recordId), [2]);
  assert.match(issues[0]!.message, /nested too deeply/);
});

test('an absurd substitution count is rejected before allocating', () => {
  const buf = buildEvtx([{ records: [rec(1)] }]);
  const countAt = findSubstitutionCount(buf);
  assert.equal(buf.readUInt32LE(countAt), 17); // 16 System values + CommandLine
  buf.writeUInt32LE(0x7fffffff, countAt);
  const { records, issues } = parseEvtxBuffer(buf);
  assert.equal(records.length, 0);
  assert.match(issues.find((i) => i.code === 'EVTX_BINXML')!.message, /substitution count/);
});

/** Offset of the substitution count that follows the (inline) template definition of the first record. */
function findSubstitutionCount(buf: Buffer): number {
  const def = CHUNK + 512 + 24 + 4 + 10;
  return def + 24 + buf.readUInt32LE(def + 20);
}

test('truncated files yield the records before the cut and report the rest', () => {
  const full = buildEvtx([{ records: [rec(1), rec(2), rec(3)] }]);
  const third = full.indexOf(Buffer.from([0x2a, 0x2a, 0, 0]), full.indexOf(Buffer.from([0x2a, 0x2a, 0, 0]), CHUNK + 516) + 4);
  const { records, issues } = parseEvtxBuffer(full.subarray(0, third + 40));
  assert.deepEqual(records.map((r) => r.recordId), [1, 2]);
  assert.ok(issues.some((i) => i.code === 'EVTX_CHUNK' && /truncated/.test(i.message)));
  assert.ok(issues.some((i) => i.code === 'EVTX_RECORD'));
});

test('something that is not EVTX reports a header error and yields nothing', () => {
  const { records, issues, summary } = parseEvtxBuffer(Buffer.from('hello, not a log file'));
  assert.equal(records.length, 0);
  assert.deepEqual(codes(issues), ['error EVTX_FILE_HEADER @0']);
  assert.equal(summary.chunks, 0);
});

test('readEvtx streams from disk, stops early cleanly and throws EVTX_IO for missing files', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'vigil-evtx-'));
  try {
    // 40 chunks (> one read batch) so the prefetching path is used.
    const chunks = Array.from({ length: 40 }, (_, c) => ({ records: Array.from({ length: 20 }, (_, r) => rec(c * 20 + r + 1)) }));
    const path = join(dir, 'big.evtx');
    await writeFile(path, buildEvtx(chunks));
    let n = 0;
    let last = 0;
    for await (const record of readEvtx(path)) {
      n++;
      assert.equal(record.recordId, last + 1);
      last = record.recordId as number;
    }
    assert.equal(n, 800);
    for await (const record of readEvtx(path)) {
      if (record.recordId === 3) break;
    }
    const it = readEvtx(join(dir, 'missing.evtx'));
    await assert.rejects(it.next(), (e: unknown) => e instanceof VigilError && e.code === 'EVTX_IO');
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('substitution fan-out (one BinXml value referenced many times, nested) hits the budget quickly', () => {
  const fan = (guid: string): TemplateDef => ({ guid, root: { el: 'Fan', children: Array.from({ length: 60 }, () => ({ sub: 0, type: 0x21 })) } });
  let value = V.binXml([{ el: 'Leaf' }]);
  for (const guid of ['A1111111-0000-0000-0000-000000000000', 'A2222222-0000-0000-0000-000000000000', 'A3333333-0000-0000-0000-000000000000', 'A4444444-0000-0000-0000-000000000000']) {
    value = V.binXml([{ instance: fan(guid), values: [value] }]);
  }
  const body: XNode[] = [{ instance: fan('A5555555-0000-0000-0000-000000000000'), values: [value] }];
  const start = Date.now();
  const { records, issues } = parseEvtxBuffer(buildEvtx([{ records: [{ id: 1, time: BASE_TIME, body }, rec(2)] }]));
  assert.ok(Date.now() - start < 5000);
  assert.deepEqual(records.map((r) => r.recordId), [2]);
  assert.match(issues[0]!.message, /too many nodes/);
});
