import { test, beforeEach, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ProfileInput } from '../formats/profiles/types.js';
import type { Stores } from '../storage/ports.js';
import Database from 'better-sqlite3';
import { DB_FILE, openSqliteStores } from '../storage/sqlite/index.js';
import { IngestPipeline, type DetectionConsumer, type PipelineEvent } from './pipeline.js';
import { OverloadedError, StoreUnavailableError, type IngestOutcome } from './types.js';

let dir: string;
let stores: Stores;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'vigil-pipeline-'));
  stores = openSqliteStores(join(dir, 'data'));
});

afterEach(() => {
  stores.close();
  rmSync(dir, { recursive: true, force: true });
});

function ev(tag: string, extra: Record<string, unknown> = {}): ProfileInput {
  return { kind: 'json', value: { message: `event ${tag}`, tag, ...extra } };
}

const info = (source = 'http', receivedAt = 1_700_000_000_000) => ({ source, receivedAt });

/** Detection stand-in that records what it is given (the pipeline, not detection, is under test). */
class Recorder implements DetectionConsumer {
  readonly seen: PipelineEvent[] = [];
  congested = false;
  push(events: readonly PipelineEvent[]): void { this.seen.push(...events); }
}

function ok(o: IngestOutcome | undefined): number[] {
  assert.ok(o && o.ok, `expected an accepted outcome, got ${JSON.stringify(o)}`);
  return o.ids;
}

test('many concurrent submitters coalesce into few commits; each gets its own ids in order', async () => {
  const recorder = new Recorder();
  const pipeline = new IngestPipeline(stores.events, recorder, undefined);
  const submitters = 200;
  const per = 5;
  const results = await Promise.all(Array.from({ length: submitters }, (_, s) =>
    pipeline.submit(Array.from({ length: per }, (_, k) => ev(`${s}-${k}`)), info('http', 1000 + s))));

  assert.ok(pipeline.commitCount < submitters / 10, `expected coalescing, got ${pipeline.commitCount} commits for ${submitters} submitters`);
  const all = new Set<number>();
  results.forEach((outcomes, s) => {
    assert.equal(outcomes.length, per);
    let last = 0;
    outcomes.forEach((o, k) => {
      const [id] = ok(o);
      assert.ok(id! > last, 'ids rise in input order');
      last = id!;
      all.add(id!);
      assert.equal(stores.events.getEvent(id!)?.original['tag'], `${s}-${k}`, 'the id points at this input\'s event');
    });
  });
  assert.equal(all.size, submitters * per);
  assert.equal(recorder.seen.length, submitters * per);
  const first = recorder.seen.find((e) => e.original['tag'] === '7-0')!;
  assert.equal(first.receivedAt, 1007, 'detection gets the receipt time of the batch');
  assert.equal(pipeline.stats()['http']?.stored, submitters * per);
  assert.equal(pipeline.depth, 0);
});

test('bad inputs are rejected per input and counted; the good ones in the same batch are stored', async () => {
  const pipeline = new IngestPipeline(stores.events, undefined, undefined);
  const cloudtrail = (n: number): ProfileInput => ({ kind: 'json', value: { Records: Array.from({ length: n }, (_, i) => ({ eventVersion: '1.08', eventName: `Call${i}`, eventSource: 's3.amazonaws.com', eventTime: '2024-01-01T00:00:00Z', awsRegion: 'eu-west-1' })) } });
  const outcomes = await pipeline.submit([ev('a'), cloudtrail(0), cloudtrail(3), ev('b')], info());
  assert.equal(ok(outcomes[0]).length, 1);
  assert.deepEqual(outcomes[1], { ok: false, reason: 'no event in this document' });
  assert.equal(ok(outcomes[2]).length, 3, 'one input can give several events');
  assert.equal(ok(outcomes[3]).length, 1);

  const forced = await pipeline.submit([{ kind: 'json', value: { a: 1 } }, ev('c')], { ...info('hec'), profile: 'sysmon' });
  assert.ok(forced.every((o) => !o.ok && /expects a Sysmon event/.test(o.reason)));
  assert.deepEqual(pipeline.stats(), {
    http: { received: 6, stored: 5, rejected: 1, dropped: {} },
    hec: { received: 2, stored: 0, rejected: 2, dropped: {} },
  });
});

test('a full queue refuses with OverloadedError and queues nothing of that batch', async () => {
  const pipeline = new IngestPipeline(stores.events, undefined, undefined, { maxQueuedEvents: 10, retryAfterSeconds: 3 });
  const first = pipeline.submit(Array.from({ length: 8 }, (_, i) => ev(`ok${i}`)), info());
  await assert.rejects(pipeline.submit(Array.from({ length: 5 }, (_, i) => ev(`over${i}`)), info()), (err: unknown) => {
    assert.ok(err instanceof OverloadedError && !(err instanceof StoreUnavailableError));
    assert.equal(err.retryAfterSeconds, 3);
    return true;
  });
  assert.equal(pipeline.depth, 8, 'nothing of the refused batch was queued');
  const ids = (await first).flatMap(ok);
  assert.equal(ids.length, 8);
  assert.equal(stores.events.getEvent(Math.max(...ids) + 1), undefined, 'the refused events were never stored');
  assert.deepEqual(pipeline.stats()['http']?.dropped, { overloaded: 5 });

  await assert.rejects(pipeline.submit(Array.from({ length: 11 }, (_, i) => ev(`big${i}`)), info()),
    /a batch of 11 events .* exceeds the ingest queue bound \(10 events/);
});

test('congested above the high-water mark; onDrain fires once below the low-water mark', async () => {
  const pipeline = new IngestPipeline(stores.events, undefined, undefined, { maxQueuedEvents: 10, highWater: 0.8, lowWater: 0.5 });
  let immediate = 0;
  pipeline.onDrain(() => immediate++);
  assert.equal(immediate, 1, 'not congested: onDrain calls back at once');

  const a = pipeline.submit(Array.from({ length: 5 }, (_, i) => ev(`a${i}`)), info());
  assert.equal(pipeline.congested, false, '5 of 10 is below the high-water mark');
  const b = pipeline.submit(Array.from({ length: 4 }, (_, i) => ev(`b${i}`)), info());
  assert.equal(pipeline.congested, true, '9 of 10 is above 80%');
  let drained = 0;
  pipeline.onDrain(() => drained++);
  assert.equal(drained, 0);
  await Promise.all([a, b]);
  assert.equal(pipeline.congested, false);
  assert.equal(drained, 1);
});

test('a detection consumer that is congested pauses commits until it drains', async () => {
  const recorder = new Recorder();
  recorder.congested = true;
  const pipeline = new IngestPipeline(stores.events, recorder, undefined);
  let done = false;
  const p = pipeline.submit([ev('x')], info()).then((o) => { done = true; return o; });
  await new Promise((r) => setTimeout(r, 30));
  assert.equal(done, false, 'no commit while detection is congested');
  assert.equal(pipeline.depth, 1);
  recorder.congested = false;
  ok((await p)[0]);
  assert.equal(recorder.seen.length, 1);
});

test('a poisoned submission fails alone: its neighbours in the same group commit are stored', async () => {
  const errors: string[] = [];
  const pipeline = new IngestPipeline(stores.events, new Recorder(), undefined, { onError: (m) => errors.push(m) });
  // A BigInt cannot be serialized, so the store's insert throws inside the transaction (real rollback).
  const good1 = pipeline.submit([ev('g1')], info());
  const bad = pipeline.submit([ev('p1'), ev('p2', { n: 10n })], info('tcp'));
  const good2 = pipeline.submit([ev('g2')], info());
  await assert.rejects(bad, (err: unknown) => err instanceof StoreUnavailableError && err.retryAfterSeconds >= 1);
  const [id1] = ok((await good1)[0]);
  const [id2] = ok((await good2)[0]);
  assert.equal(stores.events.getEvent(id1!)?.original['tag'], 'g1');
  assert.equal(stores.events.getEvent(id2!)?.original['tag'], 'g2');
  const db = new Database(join(dir, 'data', DB_FILE), { readonly: true });
  // Events live in day partitions; the catalog counts their rows in the same transaction.
  assert.deepEqual(db.prepare('SELECT sum(rows) AS n FROM partitions').get(), { n: 2 }, 'no event of the failed submission is stored');
  db.close();
  assert.deepEqual(pipeline.stats()['tcp']?.dropped, { store_failed: 2 });
  assert.ok(errors.some((m) => /group commit failed/.test(m)));
});

test('a store that cannot write rejects every submitter and acknowledges nothing', async () => {
  const recorder = new Recorder();
  const pipeline = new IngestPipeline(stores.events, recorder, undefined);
  stores.close();
  const results = await Promise.allSettled([pipeline.submit([ev('a')], info()), pipeline.submit([ev('b')], info())]);
  for (const r of results) {
    assert.equal(r.status, 'rejected');
    assert.ok((r as PromiseRejectedResult).reason instanceof StoreUnavailableError);
  }
  assert.equal(recorder.seen.length, 0, 'unstored events never reach detection');
  assert.equal(pipeline.stats()['http']?.stored, 0);
  stores = openSqliteStores(join(dir, 'data'));
});

test('close() commits what is queued, then refuses new work', async () => {
  const pipeline = new IngestPipeline(stores.events, undefined, undefined);
  const p = pipeline.submit([ev('last')], info());
  await pipeline.close();
  const [id] = ok((await p)[0]);
  assert.equal(stores.events.getEvent(id!)?.original['tag'], 'last');
  await assert.rejects(pipeline.submit([ev('late')], info()), StoreUnavailableError);
});

test('a queue that is not draining refuses new work even with room, so waiting time stays bounded', async () => {
  let now = 0;
  const recorder = new Recorder();
  recorder.congested = true;
  const pipeline = new IngestPipeline(stores.events, recorder, undefined, { maxQueueAgeMs: 500, clock: () => now });
  const first = pipeline.submit([ev('waiting')], info());
  now = 400;
  const second = pipeline.submit([ev('still fits')], info());
  now = 1000;
  await assert.rejects(pipeline.submit([ev('too late')], info()), /not draining \(oldest batch waiting 1000 ms\)/);
  assert.equal(pipeline.depth, 2);
  recorder.congested = false;
  ok((await first)[0]);
  ok((await second)[0]);
  ok((await pipeline.submit([ev('drained')], info()))[0]);
});

test('a JSON input with its text stores that text as raw; split-out and text-less events are serialized', async () => {
  const recorder = new Recorder();
  const pipeline = new IngestPipeline(stores.events, recorder, undefined);
  const line = ' {"message":"dup","tag":"first","tag":"last","n":1.50e2}';
  const spelled = '{"message":"as sent", "n":1.50e2, "s":"a \\"quoted\\": value"}';
  const record = { eventVersion: '1.08', eventTime: '2024-01-01T00:00:00Z', eventSource: 'iam.amazonaws.com', eventName: 'CreateUser' };
  const envelope = JSON.stringify({ Records: [record, { ...record, eventName: 'DeleteUser' }] }, null, 1);
  const outcomes = await pipeline.submit([
    { kind: 'json', value: JSON.parse(line) as Record<string, unknown>, json: line },
    { kind: 'json', value: JSON.parse(envelope) as Record<string, unknown>, json: envelope },
    ev('plain'),
    { kind: 'json', value: JSON.parse(spelled) as Record<string, unknown>, json: spelled },
  ], info());
  const [asSent] = ok(outcomes[3]);
  const [dup] = ok(outcomes[0]);
  const [r1, r2] = ok(outcomes[1]);
  const [plain] = ok(outcomes[2]);
  const db = new Database(join(dir, 'data', DB_FILE), { readonly: true });
  const raw = (id: number): string => {
    const { name } = db.prepare('SELECT name FROM partitions WHERE ? BETWEEN min_id AND max_id').get(id) as { name: string };
    return (db.prepare(`SELECT raw FROM "${name}" WHERE id = ?`).get(id) as { raw: string }).raw;
  };
  // A repeated key: detection (JSON.parse) and hunting (json_extract) must read the same value, so the
  // stored JSON is serialized again and the line as sent is kept as the event's original text.
  assert.equal(raw(dup!), JSON.stringify({ message: 'dup', tag: 'last', n: 150 }));
  const { name } = db.prepare('SELECT name FROM partitions WHERE ? BETWEEN min_id AND max_id').get(dup!) as { name: string };
  assert.equal((db.prepare(`SELECT original_text FROM "${name}" WHERE id = ?`).get(dup!) as { original_text: string }).original_text, line);
  assert.equal((db.prepare(`SELECT json_extract(raw, '$.tag') AS tag FROM "${name}" WHERE id = ?`).get(dup!) as { tag: string }).tag, 'last');
  assert.deepEqual(stores.events.getEvent(dup!)?.original, { message: 'dup', tag: 'last', n: 150 });
  assert.equal(raw(asSent!), spelled, 'without repeated keys the line is stored as sent, number spelling included');
  assert.equal(raw(r1!), JSON.stringify(record), 'each CloudTrail record on its own, not the envelope');
  assert.equal(raw(r2!), JSON.stringify({ ...record, eventName: 'DeleteUser' }));
  assert.equal(raw(plain!), JSON.stringify({ message: 'event plain', tag: 'plain' }));
  db.close();
  // Detection gets the same text, and its JSON parses to the event it describes.
  const seen = recorder.seen.find((e) => e.id === dup);
  assert.equal(seen?.json?.original, JSON.stringify({ message: 'dup', tag: 'last', n: 150 }));
  const split = recorder.seen.find((e) => e.id === r1);
  assert.equal(split?.json?.original, JSON.stringify(record));
});
