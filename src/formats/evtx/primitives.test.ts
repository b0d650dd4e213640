import { test } from 'node:test';
import assert from 'node:assert/strict';
import { crc32, crc32Portable } from './crc32.js';
import { FileTime, SystemTime } from './model.js';
import { isoFromFileTime, jsonFileTime, jsonSystemTime, xmlFileTime, xmlSystemTime } from './time.js';
import { xmlRecords } from './xmlfields.js';

test('crc32: check value and agreement of native and portable implementations', () => {
  const data = Buffer.from('123456789');
  assert.equal(crc32(data), 0xcbf43926);
  assert.equal(crc32Portable(data), 0xcbf43926);
  const big = Buffer.from(Array.from({ length: 5000 }, (_, i) => (i * 31) & 0xff));
  assert.equal(crc32(big, 10, 4000), crc32Portable(big, 10, 4000));
  assert.equal(crc32(big, 200, 300, crc32(big, 0, 100)), crc32Portable(big, 200, 300, crc32Portable(big, 0, 100)));
});

function ft(ticks: bigint): FileTime {
  return new FileTime(Number(ticks & 0xffffffffn), Number(ticks >> 32n));
}

test('FILETIME formats: record timestamp, Rust JSON, libevtx XML', () => {
  const t = ft(132000000001234567n);
  assert.equal(isoFromFileTime(t.lo, t.hi), '2019-04-17T18:40:00.1234567Z');
  assert.equal(jsonFileTime(t), '2019-04-17T18:40:00.123456Z');
  assert.equal(xmlFileTime(t), '2019-04-17T18:40:00.123456700Z');
  assert.equal(jsonFileTime(ft(0n)), '1601-01-01T00:00:00.000000Z');
  assert.equal(isoFromFileTime(0xffffffff, 0x7fffffff), '30828-09-14T02:48:05.4775807Z');
  // Agrees with Date for whole milliseconds across eras.
  for (const iso of ['1970-01-01T00:00:00.000Z', '1999-12-31T23:59:59.999Z', '2024-02-29T12:00:00.500Z', '1850-06-15T08:30:00.000Z']) {
    const ticks = (BigInt(Date.parse(iso)) + 11644473600000n) * 10000n;
    assert.equal(isoFromFileTime(Number(ticks & 0xffffffffn), Number(ticks >> 32n)), iso.replace('Z', '0000Z'));
  }
});

test('SYSTEMTIME formats', () => {
  const st = new SystemTime(Uint16Array.from([2020, 2, 6, 29, 23, 59, 58, 7]));
  assert.equal(jsonSystemTime(st), '2020-02-29T23:59:58.007Z');
  assert.equal(xmlSystemTime(st), '2020-02-29T23:59:58.007Z');
  assert.equal(jsonSystemTime(new SystemTime(Uint16Array.from([2020, 2, 6, 29, 23, 59, 58, 0]))), '2020-02-29T23:59:58Z');
});

test('xmlRecords flattens XML into path/value fields', () => {
  const records = xmlRecords('evtxexport\n<Event a="1"><S><X>t &amp; u</X><X/></S>\n  <D n="&quot;"/></Event>\n<Event/>');
  assert.deepEqual(records, [
    [
      { path: 'Event/@a', value: '1' },
      { path: 'Event/S[0]/X[0]', value: 't & u' },
      { path: 'Event/S[0]/X[1]', value: '' },
      { path: 'Event/D[0]/@n', value: '"' },
      { path: 'Event/D[0]', value: '' },
    ],
    [{ path: 'Event', value: '' }],
  ]);
});
