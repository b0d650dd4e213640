import { test } from 'node:test';
import assert from 'node:assert/strict';
import { daysInMonth, scanIsoTimestamp } from '../syslog/timestamp.js';
import { isIpv4, isoString, parseTime } from './util.js';

/** parseTime as it was before its direct path: everything through scanIsoTimestamp. */
function reference(v: string): number | undefined {
  if (v.length < 19 || v.length > 64) return undefined;
  const text = v[10] === ' ' ? `${v.slice(0, 10)}T${v.slice(11)}` : v;
  const r = scanIsoTimestamp(text, 0, (wall) => wall);
  return r.ok && r.end === text.length ? r.epochMs : undefined;
}

test('parseTime reads every timestamp shape as scanIsoTimestamp does', () => {
  const cases = [
    '2024-01-01 10:00:00.123', '2024-01-01T10:00:00.1234567Z', '2024-01-01T10:00:00Z', '2024-01-01T10:00:00',
    '2024-02-29 00:00:00.5', '2023-02-29 00:00:00.5', '2024-04-31T00:00:00Z', '2024-13-01T00:00:00Z', '2024-00-10T00:00:00Z',
    '2024-01-01T24:00:00Z', '2024-01-01T23:60:00Z', '2024-01-01T23:59:60Z', '2024-01-01T23:59:59.Z', '2024-01-01T23:59:59.',
    '2024-01-01T10:00:00z', '2024-01-01t10:00:00Z', '2024-01-01T10:00:00+02:00', '2024-01-01T10:00:00.5-0130',
    '2024-01-01T10:00:00Zx', '2024-01-01T10:00:00 ', '0050-02-29T00:00:00Z', '1900-02-29T00:00:00Z', '2000-02-29T00:00:00Z',
    '0000-02-29T00:00:00Z', '2024-1-01T10:00:00.000Z', '2024/01/01 10:00:00', 'x024-01-01T10:00:00Z', '2024-01-01T1a:00:00Z',
    '2024-01-01T10:00:00.000000000000000000000000000001Z', '2024-01-01_10:00:00',
  ];
  for (const v of cases) assert.equal(parseTime(v), reference(v), v);
});

test('daysInMonth counts as Date.UTC does, years 0-99 included', () => {
  for (let year = 0; year <= 2500; year++) {
    for (let month = 1; month <= 12; month++) {
      assert.equal(daysInMonth(year, month), new Date(Date.UTC(year, month, 0)).getUTCDate(), `${year}-${month}`);
    }
  }
});

test('isoString is toISOString', () => {
  const cases = [0, 1, 999, 1000, 86_399_999, 86_400_000, 951_782_400_000, 951_868_799_999, 1_700_000_000_123, 253_402_300_799_999,
    253_402_300_800_000, -1, -62_198_755_200_000, 1.5, 8.64e15];
  for (let i = 0; i < 100_000; i++) cases.push(Math.floor(Math.random() * 253_402_300_800_000));
  for (const ms of cases) assert.equal(isoString(ms), new Date(ms).toISOString(), String(ms));
  assert.throws(() => isoString(Number.NaN), RangeError);
});

test('isIpv4 accepts exactly the dotted quads split-and-check accepts', () => {
  const reference = (s: string): boolean => {
    const parts = s.split('.');
    return parts.length === 4 && parts.every((p) => /^\d{1,3}$/.test(p) && Number(p) <= 255 && (p.length === 1 || p[0] !== '0'));
  };
  const cases = ['1.2.3.4', '0.0.0.0', '255.255.255.255', '256.1.1.1', '01.2.3.4', '1.2.3', '1.2.3.4.', '.1.2.3.4', '1..2.3', '1.2.3.4.5',
    '1.2.3.a', '1.2.3.04', '1.2.3.1000', '', '1', '10.0.2.2', '198.51.100.7 ', '١.2.3.4', '1.2.3.4\n'];
  const alphabet = '0123456789.0125.';
  for (let i = 0; i < 50_000; i++) {
    let s = '';
    const len = 1 + Math.floor(Math.random() * 16);
    for (let k = 0; k < len; k++) s += alphabet[Math.floor(Math.random() * alphabet.length)];
    cases.push(s);
  }
  for (const s of cases) assert.equal(isIpv4(s), reference(s), JSON.stringify(s));
});
