/**
 * kill -9 while a client streams at full rate: after a restart every acknowledged event is stored, and
 * batches that carry ids (`_bulk` `_id`) are stored exactly once even when the client retries them.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { openSqliteStores } from '../storage/sqlite/index.js';

const BIN = fileURLToPath(new URL('../../../bin/vigil.js', import.meta.url));
const TOKEN = 'crash-test-token-0123456789';
const BATCH = 200;

async function startServer(dataDir: string, rulesDir: string): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(process.execPath, [BIN, 'serve', '--data', dataDir, '--http-port', '0', '--rules', rulesDir], {
    env: { ...process.env, VIGIL_ADMIN_TOKEN: TOKEN }, stdio: ['ignore', 'ignore', 'pipe'],
  });
  const url = await new Promise<string>((resolve, reject) => {
    let err = '';
    child.stderr!.on('data', (chunk: Buffer) => {
      err += chunk.toString();
      const m = /listening on (http:\/\/[^\s]+)/.exec(err);
      if (m) resolve(m[1]!);
    });
    child.once('exit', (code) => reject(new Error(`server exited with ${code}: ${err}`)));
  });
  return { child, url };
}

function bulkBody(first: number): string {
  const lines: string[] = [];
  for (let i = first; i < first + BATCH; i++) {
    lines.push(JSON.stringify({ index: { _index: 'crash', _id: `ev-${i}` } }));
    lines.push(JSON.stringify({ '@timestamp': new Date().toISOString(), message: `crash-test seq=${i}`, seq: i }));
  }
  return lines.join('\n') + '\n';
}

async function post(url: string, first: number): Promise<boolean> {
  try {
    const r = await fetch(`${url}/_bulk`, { method: 'POST', headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/x-ndjson' }, body: bulkBody(first) });
    if (r.status !== 200) return false;
    const body = await r.json() as { errors: boolean };
    return !body.errors;
  } catch {
    return false;
  }
}

test('kill -9 mid-stream: every acknowledged event survives, retried id-carrying batches land once', { timeout: 120_000 }, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'vigil-crash-'));
  const dataDir = join(dir, 'data');
  try {
    const first = await startServer(dataDir, join(dir, 'no-rules'));
    const acked = new Set<number>();
    const unacked = new Set<number>();
    let next = 0;
    let stop = false;
    const streams = Array.from({ length: 4 }, async () => {
      while (!stop) {
        const start = next;
        next += BATCH;
        if (await post(first.url, start)) acked.add(start);
        else unacked.add(start);
      }
    });
    await new Promise((ok) => setTimeout(ok, 1500));
    first.child.kill('SIGKILL');
    const exited = new Promise((ok) => first.child.once('exit', ok));
    stop = true;
    await Promise.all(streams);
    await exited;
    assert.ok(acked.size > 0, 'some batches were acknowledged before the kill');

    // The client retries what it has no answer for, and (as shippers do) one batch it did get an answer for.
    const second = await startServer(dataDir, join(dir, 'no-rules'));
    const retried = [...unacked, [...acked][0]!];
    for (const start of retried) assert.ok(await post(second.url, start), `retry of batch ${start} acknowledged`);
    second.child.kill('SIGTERM');
    await new Promise((ok) => second.child.once('exit', ok));

    const stores = openSqliteStores(dataDir);
    const counts = new Map<number, number>();
    for (const batch of stores.events.scan({ from: 0, to: Date.now() + 86_400_000 })) {
      for (const e of batch) {
        const seq = (e.original as { seq?: number }).seq;
        if (typeof seq === 'number') counts.set(seq, (counts.get(seq) ?? 0) + 1);
      }
    }
    stores.close();
    const missing: number[] = [];
    for (const start of [...acked, ...retried]) {
      for (let i = start; i < start + BATCH; i++) if (counts.get(i) !== 1) missing.push(i);
    }
    assert.deepEqual(missing.slice(0, 10), [], `${missing.length} acknowledged events not stored exactly once`);
    const twice = [...counts].filter(([, n]) => n > 1);
    assert.deepEqual(twice.slice(0, 10), [], 'no event stored twice');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
