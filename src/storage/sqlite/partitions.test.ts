import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import Database from 'better-sqlite3';
import { compileHunt } from '../../query/sql/compile.js';
import { D0, synthetic } from '../conformance.js';
import { DB_FILE, openSqliteStores } from './index.js';
import { DDL } from './schema.js';
import { runWriterThenKill } from './testing/kill-writer.js';

const DAY = 86_400_000;
const WRITER = new URL('./testing/writer.js', import.meta.url);

function tempDir(t: { after: (fn: () => void) => void }): string {
  const dir = mkdtempSync(join(tmpdir(), 'vigil-partitions-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

test('retention drops partitions while another connection ingests: every batch is whole or gone with its day', async (t) => {
  const dir = tempDir(t);
  const stores = openSqliteStores(dir);
  t.after(() => stores.close());
  const job = { dir, batches: 240, batchSize: 100, start: D0, stepMs: 6 * 3_600_000, keyed: true, hang: false };
  const worker = new Worker(WRITER, { workerData: job });
  const acked: { batch: number; now: number; ids: number[] }[] = [];
  worker.on('message', (m: { batch: number; now: number; ids: number[] }) => acked.push(m));
  const exited = new Promise<number>((ok, fail) => { worker.on('exit', ok); worker.on('error', fail); });
  let running = true;
  void exited.finally(() => { running = false; });
  const droppedDays = new Set<string>();
  let rounds = 0;
  while (running) {
    await new Promise((r) => setTimeout(r, 2));
    const last = acked[acked.length - 1];
    if (!last) continue;
    for (const d of stores.events.applyRetention({ maxAgeDays: 2 }, last.now).dropped) droppedDays.add(d.day);
    rounds++;
  }
  assert.equal(await exited, 0);
  assert.equal(acked.length, job.batches, 'every batch committed');
  assert.ok(rounds > 5 && droppedDays.size > 5, `retention ran ${rounds} times while writing and dropped ${droppedDays.size} days`);
  let kept = 0;
  for (const a of acked) {
    const present = a.ids.filter((id) => stores.events.getEvent(id) !== undefined).length;
    const day = new Date(Math.floor(a.now / DAY) * DAY).toISOString().slice(0, 10);
    if (present === 0) assert.ok(droppedDays.has(day), `batch ${a.batch} is gone but its day ${day} was not dropped`);
    else assert.equal(present, job.batchSize, `batch ${a.batch} is partly stored`);
    kept += present;
  }
  const parts = stores.events.partitions();
  assert.equal(parts.reduce((n, p) => n + p.rows, 0), kept, 'the catalog counts what is stored');
  const counted = stores.events.search(compileHunt('| stats count()', { range: { from: 0, to: D0 + 100 * DAY } }));
  assert.deepEqual(counted.kind === 'rows' && counted.rows, [{ count: kept }]);
});

test('kill -9 after a committed batch: the retried batch is stored once', async (t) => {
  const dir = tempDir(t);
  const job = { dir, batches: 3, batchSize: 50, start: D0, stepMs: 1000, keyed: true, hang: true };
  const acked = await runWriterThenKill(job, (acks) => acks.length === job.batches);

  const stores = openSqliteStores(dir);
  t.after(() => stores.close());
  // The client did not see the acknowledgement of batch 2 and sends it again.
  const retry = Array.from({ length: job.batchSize }, (_, k) => synthetic(2 * job.batchSize + k, D0 + 2000, {
    original: { batch: 2, k }, dedup: { source: 'writer', id: `2-${k}` },
  }));
  const again = stores.events.appendBatch(retry, D0 + 5000);
  assert.equal(again.duplicates.length, job.batchSize);
  assert.deepEqual(again.ids, acked[2]!.ids);
  const counted = stores.events.search(compileHunt('| stats count() by batch', { range: { from: 0, to: D0 + DAY } }));
  assert.deepEqual(counted.kind === 'rows' && counted.rows, [{ batch: 0, count: 50 }, { batch: 1, count: 50 }, { batch: 2, count: 50 }]);
});

test('a v1 store (one events table) is upgraded: its events become a partition and ids continue', (t) => {
  const dir = tempDir(t);
  const v1 = new Database(join(dir, DB_FILE));
  v1.pragma('journal_mode = WAL');
  v1.exec(DDL);
  v1.pragma('user_version = 1');
  const insert = v1.prepare("INSERT INTO events (id, ts, ingested, host_name, message, logsource, profile, core, raw) VALUES (?, ?, ?, ?, ?, '{}', 'p', '{}', ?)");
  for (let i = 1; i <= 3; i++) {
    insert.run(i, D0 + i, D0 + i, `old-${i}`, `legacy event ${i}`, JSON.stringify({ i }));
    v1.prepare('INSERT INTO events_fts (rowid, message) VALUES (?, ?)').run(i, `legacy event ${i}`);
  }
  v1.close();

  const stores = openSqliteStores(dir);
  t.after(() => stores.close());
  assert.deepEqual(stores.events.partitions().map((p) => [p.day, p.rows, p.minId, p.maxId]), [['2025-03-10', 3, 1, 3]]);
  assert.deepEqual(stores.events.getEvent(2)!.original, { i: 2 });
  const [next] = stores.events.append([synthetic(9, D0 + 2 * DAY)], D0 + 2 * DAY);
  assert.equal(next, 4);
  const found = stores.events.search(compileHunt('legacy', { range: { from: 0, to: D0 + 3 * DAY } }));
  assert.deepEqual(found.kind === 'events' && found.events.map((e) => e.id), [3, 2, 1]);
  const report = stores.events.applyRetention({ maxAgeDays: 1 }, D0 + 2 * DAY + 1);
  assert.deepEqual(report.dropped.map((d) => d.day), ['2025-03-10']);
  assert.equal(stores.events.getEvent(1), undefined);
  const none = stores.events.search(compileHunt('| stats count()', { range: { from: 0, to: D0 + DAY } }));
  assert.deepEqual(none.kind === 'rows' && none.rows, [{ count: 0 }]);
});

test('dropping a partition returns its space to the file system', (t) => {
  const dir = tempDir(t);
  const stores = openSqliteStores(dir);
  t.after(() => stores.close());
  const pad = 'z'.repeat(4000);
  for (let b = 0; b < 10; b++) stores.events.append(Array.from({ length: 200 }, (_, i) => synthetic(i, D0, { original: { pad, i, b } })), D0);
  stores.events.append([synthetic(1, D0 + DAY)], D0 + DAY);
  const size = (): number => [DB_FILE, `${DB_FILE}-wal`].reduce((n, f) => n + (statSync(join(dir, f), { throwIfNoEntry: false })?.size ?? 0), 0);
  const before = size();
  assert.ok(before > 8_000_000, `file is ${before} bytes`);
  const report = stores.events.applyRetention({ maxAgeDays: 1, returnSpace: false }, D0 + 2 * DAY);
  assert.equal(report.dropped.length, 1);
  assert.ok(size() > before / 2, 'without returnSpace the pages stay in the file, free for reuse');
  assert.deepEqual(stores.events.applyRetention({}, D0 + 2 * DAY).dropped, []);
  const after = size();
  assert.ok(after < before / 4, `file went from ${before} to ${after} bytes`);
  assert.ok(report.usedBytesAfter < report.usedBytesBefore / 4);
});
