/**
 * The storage conformance suite: every adapter behind ports.ts passes it. An adapter's test file calls
 * `storageConformance('sqlite', (dir) => openSqliteStores(dir))`; `open` must reopen the same data when
 * given the same folder (closing without anything else stands for a crash after a commit).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { compileHunt } from '../query/sql/compile.js';
import { DEFAULT_SCHEMA } from '../query/sql/schema.js';
import type { TimeRange } from '../query/time.js';
import type { NewEvent, Stores, StoredEvent } from './ports.js';

const DAY = 86_400_000;
/** 2025-03-10T00:00:00Z: test days are D0, D0 + DAY, ... */
export const D0 = Date.UTC(2025, 2, 10);

export function synthetic(i: number, ts: number, extra: Partial<NewEvent> = {}): NewEvent {
  const host = `host-${i % 3}`;
  return {
    core: { '@timestamp': new Date(ts).toISOString(), 'host.name': host, 'user.name': i % 2 ? 'alice' : 'bob', 'event.code': String(4600 + (i % 5)), message: `event number ${i} on ${host}${i % 7 === 0 ? ' mimikatz' : ''}` },
    logsource: { product: 'windows', service: 'security' },
    profile: 'test',
    original: { n: i, nested: { value: `v${i}` } },
    ...extra,
  };
}

function withStores(open: (dir: string) => Stores, fn: (stores: Stores, dir: string, reopen: () => Stores) => void): void {
  const dir = mkdtempSync(join(tmpdir(), 'vigil-conformance-'));
  let stores = open(dir);
  try {
    fn(stores, dir, () => {
      stores.close();
      stores = open(dir);
      return stores;
    });
  } finally {
    stores.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

function hunt(stores: Stores, query: string, range: TimeRange): number[] {
  const r = stores.events.search(compileHunt(query, { range, now: range.to, schema: DEFAULT_SCHEMA, limits: { maxRows: 10_000 } }));
  assert.equal(r.kind, 'events');
  return r.kind === 'events' ? r.events.map((e) => e.id) : [];
}

function rows(stores: Stores, query: string, range: TimeRange): Record<string, unknown>[] {
  const r = stores.events.search(compileHunt(query, { range, now: range.to }));
  assert.equal(r.kind, 'rows');
  return r.kind === 'rows' ? r.rows : [];
}

function scanAll(stores: Stores, range: TimeRange, batchSize: number): StoredEvent[][] {
  return [...stores.events.scan(range, { batchSize })];
}

/** Three days of receipt, 30 events each, event times one minute apart within their day. */
function threeDays(stores: Stores): number[][] {
  return [0, 1, 2].map((d) => stores.events.append(
    Array.from({ length: 30 }, (_, k) => synthetic(d * 30 + k, D0 + d * DAY + k * 60_000)),
    D0 + d * DAY + 3_600_000,
  ));
}

export function storageConformance(name: string, open: (dir: string) => Stores): void {
  const t = (title: string, fn: (stores: Stores, dir: string, reopen: () => Stores) => void): void => {
    test(`${name} conformance: ${title}`, () => withStores(open, fn));
  };

  t('append returns rising ids in input order; getEvent gives the event back; ids keep rising after reopen', (stores, _dir, reopen) => {
    const ids = stores.events.append([synthetic(1, D0), synthetic(2, D0 + 1)], D0 + 10);
    assert.equal(ids.length, 2);
    assert.ok(ids[1]! > ids[0]!);
    const e = stores.events.getEvent(ids[0]!)!;
    assert.equal(e.ts, D0);
    assert.equal(e.ingested, D0 + 10);
    assert.deepEqual(e.original, { n: 1, nested: { value: 'v1' } });
    assert.deepEqual(e.logsource, { product: 'windows', service: 'security' });
    assert.equal(e.core['host.name'], 'host-1');
    assert.equal(stores.events.getEvent(ids[1]! + 1000), undefined);
    assert.equal(stores.events.getEvent(-1), undefined);
    assert.deepEqual(stores.events.append([]), []);
    const again = reopen().events.append([synthetic(3, D0)], D0 + 20);
    assert.ok(again[0]! > ids[1]!);
  });

  t('events without a usable @timestamp are stored at their receipt time', (stores) => {
    const [a, b] = stores.events.append([
      { core: { 'host.name': 'x' }, logsource: {}, profile: 'p', original: {} },
      { core: { '@timestamp': 'not a time' }, logsource: {}, profile: 'p', original: {} },
    ], D0 + 5);
    assert.equal(stores.events.getEvent(a!)!.ts, D0 + 5);
    assert.equal(stores.events.getEvent(b!)!.ts, D0 + 5);
  });

  t('each day of receipt is a partition; getEvent finds events in every one', (stores) => {
    const days = threeDays(stores);
    const parts = stores.events.partitions();
    assert.deepEqual(parts.map((p) => p.day), ['2025-03-10', '2025-03-11', '2025-03-12']);
    assert.deepEqual(parts.map((p) => p.rows), [30, 30, 30]);
    for (let d = 0; d < 3; d++) {
      assert.equal(parts[d]!.minId, days[d]![0]);
      assert.equal(parts[d]!.maxId, days[d]![29]);
      for (const id of days[d]!) assert.equal(stores.events.getEvent(id)!.id, id);
    }
  });

  t('hunt queries read the partitions of their range and agree with the events stored', (stores) => {
    const days = threeDays(stores);
    const all = { from: D0 - DAY, to: D0 + 4 * DAY };
    assert.deepEqual(hunt(stores, '', all), days.flat().reverse(), 'newest first over all partitions');
    assert.deepEqual(hunt(stores, '', { from: D0 + DAY, to: D0 + 2 * DAY }), [...days[1]!].reverse(), 'one day: that partition only');
    assert.deepEqual(hunt(stores, '| head 5', all), days[2]!.slice(25).reverse());
    const expectedHost = days.flat().filter((_, i) => i % 3 === 1).reverse();
    assert.deepEqual(hunt(stores, 'host.name:HOST-1', all), expectedHost);
    assert.deepEqual(hunt(stores, 'mimikatz', all), days.flat().filter((_, i) => i % 7 === 0).reverse());
    assert.deepEqual(hunt(stores, '"number 31 on"', all), [days[1]![1]]);
    assert.deepEqual(hunt(stores, 'nested.value:v4*', all), [...days[1]!.slice(10, 20).reverse(), days[0]![4]], 'original JSON fields');
    assert.deepEqual(hunt(stores, 'nested.value:v44', all), [days[1]![14]]);
    assert.deepEqual(rows(stores, '| stats count() by host.name', all), [
      { 'host.name': 'host-0', count: 30 }, { 'host.name': 'host-1', count: 30 }, { 'host.name': 'host-2', count: 30 },
    ]);
    assert.deepEqual(rows(stores, 'user.name:alice | timechart 1d count()', all), [
      { '@timestamp': D0, count: 15 }, { '@timestamp': D0 + DAY, count: 15 }, { '@timestamp': D0 + 2 * DAY, count: 15 },
    ]);
    assert.deepEqual(rows(stores, '| sort n | head 2 | fields n', all), [{ n: 0 }, { n: 1 }]);
    assert.deepEqual(rows(stores, '| stats count()', { from: D0 + 10 * DAY, to: D0 + 11 * DAY }), [{ count: 0 }], 'no partition in range');
    assert.deepEqual(hunt(stores, '', { from: D0 + 10 * DAY, to: D0 + 11 * DAY }), []);
  });

  t('a late event widens its partition to its event time, and range queries still find it', (stores) => {
    const [old] = stores.events.append([synthetic(5, D0 - 30 * DAY)], D0 + 2 * DAY);
    stores.events.append([synthetic(6, D0)], D0);
    assert.deepEqual(hunt(stores, '', { from: D0 - 31 * DAY, to: D0 - 29 * DAY }), [old]);
  });

  t('scan yields the events of a range in id order, in batches of at most batchSize', (stores) => {
    const days = threeDays(stores);
    const batches = scanAll(stores, { from: D0 - DAY, to: D0 + 4 * DAY }, 7);
    assert.ok(batches.every((b) => b.length > 0 && b.length <= 7));
    assert.deepEqual(batches.flat().map((e) => e.id), days.flat());
    const middle = scanAll(stores, { from: D0 + 10 * 60_000, to: D0 + DAY + 5 * 60_000 }, 1000).flat();
    assert.deepEqual(middle.map((e) => e.id), [...days[0]!.slice(10), ...days[1]!.slice(0, 5)]);
    assert.deepEqual(scanAll(stores, { from: D0 + 9 * DAY, to: D0 + 10 * DAY }, 10), []);
    let seen = 0;
    for (const batch of stores.events.scan({ from: 0, to: D0 + 4 * DAY }, { batchSize: 10 })) {
      seen += batch.length;
      if (seen >= 20) break; // a caller may stop early
    }
    assert.equal(seen, 20);
    const scan = stores.events.scan({ from: 0, to: D0 + 9 * DAY }, { batchSize: 20 })[Symbol.iterator]();
    const first = scan.next();
    assert.equal(first.done === false && first.value.length, 20);
    stores.events.append([synthetic(500, D0 + 2 * DAY)], D0 + 2 * DAY);
    const rest = [...{ [Symbol.iterator]: () => scan }].flat();
    assert.deepEqual(rest.map((e) => e.id), days.flat().slice(20), 'events appended after the scan started are not part of it');
  });

  t('a batch with dedup keys retried after a crash is stored once', (stores, _dir, reopen) => {
    const batch = (): NewEvent[] => [
      synthetic(1, D0, { dedup: { source: 'token-a', id: 'doc-1' } }),
      synthetic(2, D0, { dedup: { source: 'token-a', id: 'doc-2' } }),
      // One item that yielded two events (e.g. CloudTrail Records): told apart by order.
      synthetic(3, D0, { dedup: { source: 'token-a', id: 'doc-3' } }),
      synthetic(4, D0, { dedup: { source: 'token-a', id: 'doc-3' } }),
      synthetic(5, D0),
    ];
    const first = stores.events.appendBatch(batch(), D0 + 1);
    assert.deepEqual(first.duplicates, []);
    const after = reopen();
    const second = after.events.appendBatch(batch(), D0 + 2);
    assert.deepEqual(second.ids.slice(0, 4), first.ids.slice(0, 4));
    assert.deepEqual(second.duplicates, [0, 1, 2, 3]);
    assert.ok(second.ids[4]! > first.ids[4]!, 'an event without a key is always stored');
    const stored = hunt(after, '', { from: D0 - DAY, to: D0 + DAY });
    assert.equal(stored.length, 6);
    const other = after.events.appendBatch([synthetic(1, D0, { dedup: { source: 'token-b', id: 'doc-1' } })], D0 + 3);
    assert.deepEqual(other.duplicates, [], 'keys are scoped by source');
    assert.deepEqual(after.events.appendBatch(batch().slice(0, 2), D0 + 4).duplicates, [0, 1]);
  });

  t('bad dedup keys are refused before anything is written', (stores) => {
    const bad = [synthetic(1, D0), synthetic(2, D0, { dedup: { source: 's', id: '' } })];
    assert.throws(() => stores.events.append(bad, D0), (e: Error & { code?: string }) => e.code === 'storage.dedup' && /event 1/.test(e.message));
    assert.throws(() => stores.events.append([synthetic(1, D0, { dedup: { source: 's', id: 'x'.repeat(5000) } })], D0), { code: 'storage.dedup' });
    assert.deepEqual(hunt(stores, '', { from: D0 - DAY, to: D0 + DAY }), []);
  });

  t('retention by age drops whole partitions older than the limit, and their dedup keys', (stores) => {
    stores.events.append([synthetic(99, D0, { dedup: { source: 's', id: 'k' } })], D0 + 100);
    const days = threeDays(stores);
    const report = stores.events.applyRetention({ maxAgeDays: 1 }, D0 + 2 * DAY + 3_600_000);
    assert.deepEqual(report.dropped.map((d) => [d.day, d.reason]), [['2025-03-10', 'age']]);
    assert.equal(report.dropped[0]!.rows, 31);
    assert.ok(report.usedBytesAfter < report.usedBytesBefore);
    assert.deepEqual(stores.events.partitions().map((p) => p.day), ['2025-03-11', '2025-03-12']);
    assert.equal(stores.events.getEvent(days[0]![0]!), undefined);
    assert.equal(stores.events.getEvent(days[1]![0]!)!.id, days[1]![0]);
    assert.deepEqual(scanAll(stores, { from: 0, to: D0 + 4 * DAY }, 1000).flat().map((e) => e.id), [...days[1]!, ...days[2]!]);
    assert.deepEqual(hunt(stores, '', { from: 0, to: D0 + 4 * DAY }).length, 60);
    assert.deepEqual(rows(stores, '| stats count()', { from: 0, to: D0 + 4 * DAY }), [{ count: 60 }]);
    // Its key went with it: the same item is new again.
    assert.deepEqual(stores.events.appendBatch([synthetic(99, D0, { dedup: { source: 's', id: 'k' } })], D0 + 3 * DAY).duplicates, []);
    assert.deepEqual(stores.events.applyRetention({ maxAgeDays: 30 }, D0 + 3 * DAY).dropped, []);
  });

  t('retention by size drops the oldest partitions but never the one being written, and says so', (stores) => {
    const big = { 'x': 'y'.repeat(20_000) };
    stores.events.append(Array.from({ length: 50 }, (_, i) => synthetic(i, D0, { original: big })), D0 + 100);
    threeDays(stores);
    const report = stores.events.applyRetention({ maxSizeMB: 0.0001 }, D0 + 3 * DAY);
    assert.deepEqual(report.dropped.map((d) => [d.day, d.reason]), [['2025-03-10', 'size'], ['2025-03-11', 'size']]);
    assert.equal(report.overSizeLimit, true);
    assert.match(report.warnings.join('\n'), /only the partition being written \(2025-03-12, 30 events\) is left; it is not dropped for size/);
    assert.deepEqual(stores.events.partitions().map((p) => p.day), ['2025-03-12']);
    const roomy = stores.events.applyRetention({ maxSizeMB: 10_000 }, D0 + 3 * DAY);
    assert.deepEqual([roomy.dropped, roomy.overSizeLimit, roomy.warnings], [[], false, []]);
  });

  t('a bad retention policy is a clear error', (stores) => {
    assert.throws(() => stores.events.applyRetention({ maxAgeDays: 0 }), { code: 'storage.retention', message: /maxAgeDays/ });
    assert.throws(() => stores.events.applyRetention({ maxSizeMB: -1 }), { code: 'storage.retention', message: /maxSizeMB/ });
    assert.throws(() => stores.events.applyRetention({ maxAgeDays: Number.NaN }), { code: 'storage.retention' });
  });

  t('a clock that goes back keeps writing to the newest partition; ids keep rising', (stores) => {
    const [a] = stores.events.append([synthetic(1, D0 + DAY)], D0 + DAY);
    const [b] = stores.events.append([synthetic(2, D0)], D0);
    assert.ok(b! > a!);
    assert.deepEqual(stores.events.partitions().map((p) => [p.day, p.rows]), [['2025-03-11', 2]]);
    assert.equal(stores.events.getEvent(b!)!.ts, D0);
  });
}
