import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { compileHunt } from '../../query/sql/compile.js';
import { D0, synthetic } from '../conformance.js';
import type { Stores } from '../ports.js';
import { DB_FILE, FTS_FILE, openSqliteStores } from './index.js';
import { runWriterThenKill } from './testing/kill-writer.js';

const DAY = 86_400_000;
const ALL = { from: 0, to: D0 + 30 * DAY };

function tempDir(t: { after: (fn: () => void) => void }): string {
  const dir = mkdtempSync(join(tmpdir(), 'vigil-fts-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** A separate read-only look at the FTS file: watermarks and how often `word` is indexed (duplicates count). */
function ftsFile(dir: string): { marks: () => { day: number; fts: string; last_id: number }[]; hits: (table: string, word: string) => number; tables: () => string[]; close: () => void } {
  const db = new Database(join(dir, FTS_FILE), { readonly: true });
  return {
    marks: () => db.prepare('SELECT day, fts, last_id FROM fts_watermark ORDER BY day').all() as { day: number; fts: string; last_id: number }[],
    hits: (table, word) => (db.prepare(`SELECT count(*) AS n FROM "${table}" WHERE "${table}" MATCH ?`).get(`"${word}"`) as { n: number }).n,
    tables: () => (db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name LIKE 'events_%' AND sql LIKE 'CREATE VIRTUAL%' ORDER BY name").all() as { name: string }[]).map((r) => r.name),
    close: () => db.close(),
  };
}

function ids(stores: Stores, query: string): number[] {
  const r = stores.events.search(compileHunt(query, { range: ALL, now: ALL.to, limits: { maxRows: 10_000, defaultRows: 10_000 } }));
  assert.equal(r.kind, 'events');
  return r.kind === 'events' ? r.events.map((e) => e.id).sort((a, b) => a - b) : [];
}

test('deferred full text: nothing is indexed in the append transaction; the first search indexes what is missing, once', (t) => {
  const dir = tempDir(t);
  const stores = openSqliteStores(dir);
  t.after(() => stores.close());
  const appended = stores.events.append(Array.from({ length: 70 }, (_, i) => synthetic(i, D0 + i)), D0 + 100);
  // An event without a message is indexed by every value of its original.
  const [bare] = stores.events.append([{ ...synthetic(1000, D0), core: { '@timestamp': new Date(D0).toISOString() }, original: { deep: { cmd: 'rundll32 payload' } } }], D0 + 200);
  const fts = ftsFile(dir);
  t.after(() => fts.close());
  assert.deepEqual(fts.marks(), [], 'the append did not touch the FTS file');
  assert.deepEqual(fts.tables(), []);

  const mimikatz = appended.filter((_, i) => i % 7 === 0);
  assert.deepEqual(ids(stores, 'mimikatz'), mimikatz);
  assert.deepEqual(ids(stores, 'rundll32'), [bare]);
  assert.deepEqual(fts.marks(), [{ day: Math.floor(D0 / DAY), fts: 'events_20250310_fts', last_id: bare }]);
  assert.equal(fts.hits('events_20250310_fts', 'mimikatz'), mimikatz.length);
  // Field queries do not need the index; full-text ones see later appends too, without duplicates.
  const more = stores.events.append([synthetic(7, D0 + 300)], D0 + 300);
  assert.deepEqual(ids(stores, 'mimikatz'), [...mimikatz, ...more]);
  assert.equal(fts.hits('events_20250310_fts', 'mimikatz'), mimikatz.length + 1);
});

test('the indexer thread indexes behind the commit and checkpoints the WAL; whenIndexed waits for it', async (t) => {
  const dir = tempDir(t);
  const stores = openSqliteStores(dir, { indexer: { checkpointMs: 20, pollMs: 20 } });
  t.after(() => stores.close());
  const fts = ftsFile(dir);
  t.after(() => fts.close());
  const mainFile = (): number => statSync(join(dir, DB_FILE)).size;
  const before = mainFile();
  const pad = 'p'.repeat(2000);
  let last = 0;
  for (let b = 0; b < 20; b++) {
    const got = stores.events.append(Array.from({ length: 100 }, (_, i) => synthetic(b * 100 + i, D0 + b, { original: { pad, b, i } })), D0 + b);
    last = got[got.length - 1]!;
  }
  await stores.events.whenIndexed!(10_000);
  // The thread wrote the watermark (no search ran on this thread), up to the last committed id.
  assert.deepEqual(fts.marks().map((m) => m.last_id), [last]);
  assert.equal(fts.hits('events_20250310_fts', 'mimikatz'), Math.ceil(2000 / 7));
  // The writer does not checkpoint (wal_autocheckpoint = 0): rows reach the database file only
  // through the indexer thread's checkpoints.
  const deadline = Date.now() + 10_000;
  while (mainFile() < before + 2_000_000 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
  assert.ok(mainFile() >= before + 2_000_000, `database file ${before} -> ${mainFile()} bytes`);
  assert.equal(ids(stores, 'mimikatz').length, Math.ceil(2000 / 7));
});

test('searches racing the indexer thread never index an event twice', async (t) => {
  const dir = tempDir(t);
  const stores = openSqliteStores(dir, { indexer: { pollMs: 5 } });
  t.after(() => stores.close());
  let expected = 0;
  for (let b = 0; b < 30; b++) {
    stores.events.append(Array.from({ length: 50 }, (_, i) => synthetic(b * 50 + i, D0 + b)), D0 + b);
    expected += Array.from({ length: 50 }, (_, i) => b * 50 + i).filter((n) => n % 7 === 0).length;
    if (b % 3 === 0) assert.equal(ids(stores, 'mimikatz').length, expected);
    await new Promise((r) => setImmediate(r));
  }
  await stores.events.whenIndexed!(10_000);
  const fts = ftsFile(dir);
  t.after(() => fts.close());
  assert.equal(fts.hits('events_20250310_fts', 'mimikatz'), expected);
  assert.equal(fts.hits('events_20250310_fts', 'event'), 1500);
});

test('kill -9 of a server-like writer (indexer thread running): after reopening, full text finds every acknowledged event', async (t) => {
  const dir = tempDir(t);
  const job = { dir, batches: 8, batchSize: 200, start: D0, stepMs: 1000, keyed: false, hang: true, indexer: true };
  const acked = (await runWriterThenKill(job, (acks) => acks.length === job.batches)).flatMap((a) => a.ids);

  const stores = openSqliteStores(dir);
  t.after(() => stores.close());
  assert.deepEqual(ids(stores, 'event'), acked);
  assert.deepEqual(ids(stores, 'mimikatz'), acked.filter((_, i) => i % 7 === 0));
});

test('retention drops the deferred FTS tables with their partitions and returns their space', (t) => {
  const dir = tempDir(t);
  const stores = openSqliteStores(dir);
  t.after(() => stores.close());
  for (let d = 0; d < 3; d++) {
    stores.events.append(Array.from({ length: 3000 }, (_, i) => synthetic(i, D0 + d * DAY, { core: { message: `day${d} ${i} ${'x'.repeat(i % 50)}${i}` } })), D0 + d * DAY);
  }
  assert.equal(ids(stores, 'day0').length, 3000);
  const fts = ftsFile(dir);
  t.after(() => fts.close());
  assert.deepEqual(fts.tables(), ['events_20250310_fts', 'events_20250311_fts', 'events_20250312_fts']);
  const ftsBytes = (): number => [FTS_FILE, `${FTS_FILE}-wal`].reduce((n, f) => n + (statSync(join(dir, f), { throwIfNoEntry: false })?.size ?? 0), 0);
  const before = ftsBytes();
  const report = stores.events.applyRetention({ maxAgeDays: 1 }, D0 + 3 * DAY);
  assert.deepEqual(report.dropped.map((d) => d.day), ['2025-03-10', '2025-03-11']);
  assert.deepEqual(fts.tables(), ['events_20250312_fts']);
  assert.deepEqual(fts.marks().map((m) => m.fts), ['events_20250312_fts']);
  assert.ok(ftsBytes() < before / 2, `FTS file and WAL ${before} -> ${ftsBytes()} bytes`);
  assert.deepEqual(ids(stores, 'day0'), []);
  assert.equal(ids(stores, 'day2').length, 3000);
});

test('a v4 data folder (FTS inside the events database) opens: old days stay searchable, new days go to the FTS file', (t) => {
  const dir = tempDir(t);
  const old = openSqliteStores(dir, { fullText: 'inline' });
  const first = old.events.append([synthetic(0, D0), synthetic(7, D0)], D0);
  old.close();
  // What v4 wrote: no fts_db column.
  const raw = new Database(join(dir, DB_FILE));
  raw.exec('ALTER TABLE partitions DROP COLUMN fts_db');
  raw.pragma('user_version = 4');
  raw.close();

  const stores = openSqliteStores(dir);
  t.after(() => stores.close());
  // The day in progress keeps its inline index; the next day is deferred.
  const sameDay = stores.events.append([synthetic(14, D0 + 1)], D0 + 1);
  const nextDay = stores.events.append([synthetic(21, D0 + DAY)], D0 + DAY);
  assert.deepEqual(ids(stores, 'mimikatz'), [...first, ...sameDay, ...nextDay]);
  const fts = ftsFile(dir);
  t.after(() => fts.close());
  assert.deepEqual(fts.tables(), ['events_20250311_fts']);
  const check = new Database(join(dir, DB_FILE), { readonly: true });
  t.after(() => check.close());
  assert.equal(check.pragma('user_version', { simple: true }), 5);
  assert.deepEqual(check.prepare('SELECT name, fts_db FROM partitions ORDER BY day').all(), [
    { name: 'events_20250310', fts_db: 'main' }, { name: 'events_20250311', fts_db: 'fts' },
  ]);
});
