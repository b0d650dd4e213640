import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DEFAULT_LOOKBACK_MS, parseInterval, parseTime, resolveTimeRange } from './time.js';

const now = Date.UTC(2024, 4, 1, 12, 0, 0);

test('relative times and now', () => {
  assert.equal(parseTime('now', now), now);
  assert.equal(parseTime('-24h', now), now - 86_400_000);
  assert.equal(parseTime('-15m', now), now - 900_000);
  assert.equal(parseTime('-7d', now), now - 7 * 86_400_000);
  assert.equal(parseTime('-30s', now), now - 30_000);
  assert.equal(parseTime('-2w', now), now - 14 * 86_400_000);
  assert.equal(parseTime('now-1h', now), now - 3_600_000);
  assert.equal(parseTime('+1h', now), now + 3_600_000);
  assert.equal(parseTime(' NOW ', now), now);
});

test('ISO 8601 and epoch milliseconds', () => {
  assert.equal(parseTime('2024-05-01', now), Date.UTC(2024, 4, 1));
  assert.equal(parseTime('2024-05-01T10:00:00Z', now), Date.UTC(2024, 4, 1, 10));
  assert.equal(parseTime('2024-05-01T10:00', now), Date.UTC(2024, 4, 1, 10), 'no offset means UTC');
  assert.equal(parseTime('2024-05-01 10:00:00.123456Z', now), Date.UTC(2024, 4, 1, 10, 0, 0, 123));
  assert.equal(parseTime('2024-05-01T12:00:00+02:00', now), Date.UTC(2024, 4, 1, 10));
  assert.equal(parseTime('2024-05-01T12:00:00-0130', now), Date.UTC(2024, 4, 1, 13, 30));
  assert.equal(parseTime('1714557600000', now), 1714557600000);
  assert.equal(parseTime(1714557600000, now), 1714557600000);
});

test('bad times fail with query.time', () => {
  for (const bad of ['yesterday', '-1y', '2024-02-31', '2024-13-01', '2024-05-01T25:00:00Z', '', '-h', '2024/05/01']) {
    assert.throws(() => parseTime(bad, now), { code: 'query.time' }, bad);
  }
  assert.throws(() => parseTime(Number.NaN, now), { code: 'query.time' });
});

test('resolveTimeRange defaults to the last 24 hours', () => {
  assert.deepEqual(resolveTimeRange({}, now), { from: now - DEFAULT_LOOKBACK_MS, to: now });
  assert.deepEqual(resolveTimeRange({ from: '-1h' }, now), { from: now - 3_600_000, to: now });
  assert.deepEqual(resolveTimeRange({ from: '2024-04-30', to: '2024-05-01' }, now), { from: Date.UTC(2024, 3, 30), to: Date.UTC(2024, 4, 1) });
  assert.deepEqual(resolveTimeRange({ to: '-1d' }, now), { from: now - 2 * 86_400_000, to: now - 86_400_000 });
  assert.throws(() => resolveTimeRange({ from: 'now', to: '-1h' }, now), { code: 'query.time' });
});

test('timechart intervals', () => {
  assert.equal(parseInterval('30s'), 30_000);
  assert.equal(parseInterval('5m'), 300_000);
  assert.equal(parseInterval('1H'), 3_600_000);
  assert.equal(parseInterval('1d'), 86_400_000);
  for (const bad of ['0s', '1w', '367d', 'h', '1.5h', '-1h']) assert.throws(() => parseInterval(bad), { code: 'query.syntax' }, bad);
});
