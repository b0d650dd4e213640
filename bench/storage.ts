/**
 * Embedded store: append throughput (batched, WAL + synchronous=NORMAL, FTS on) and hunt latency over N
 * synthetic events spread over day partitions. N: `--storage-events=N` or VIGIL_BENCH_STORAGE_EVENTS
 * (default 200,000, so `npm run bench` stays short; the number is 10,000,000).
 */
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { compileHunt } from '../src/query/sql/compile.js';
import type { TimeRange } from '../src/query/time.js';
import type { NewEvent } from '../src/storage/ports.js';
import { DB_FILE, FTS_FILE, openSqliteStores, type SqliteOptions } from '../src/storage/sqlite/index.js';

const DAY = 86_400_000;
const START = Date.UTC(2025, 0, 1);
const BATCH = 1000;
const HOSTS = 2000;
const USERS = 5000;
const WORDS = ['process', 'created', 'logon', 'failed', 'network', 'connection', 'service', 'started', 'registry', 'value',
  'set', 'file', 'written', 'powershell', 'script', 'block', 'dns', 'query', 'user', 'account', 'changed', 'token', 'elevated'];
const IMAGES = ['C:\\Windows\\System32\\cmd.exe', 'C:\\Windows\\System32\\WindowsPowerShell\\v1.0\\powershell.exe',
  'C:\\Windows\\System32\\svchost.exe', 'C:\\Program Files\\App\\app.exe', 'C:\\Windows\\explorer.exe', 'C:\\Windows\\System32\\rundll32.exe'];

function option(name: string, env: string, fallback: number): number {
  const arg = process.argv.find((a) => a.startsWith(`--${name}=`));
  const text = arg ? arg.slice(name.length + 3) : process.env[env];
  const n = text ? Number(text.replace(/_/g, '')) : fallback;
  if (!Number.isSafeInteger(n) || n <= 0) throw new Error(`--${name} must be a positive integer`);
  return n;
}

/** A deterministic pseudo-random stream, so runs compare. */
function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function makeEvent(i: number, ts: number, r: () => number): NewEvent {
  const host = `host-${Math.floor(r() * HOSTS)}`;
  const user = `user-${Math.floor(r() * USERS)}`;
  const code = String(4600 + Math.floor(r() * 40));
  const image = IMAGES[Math.floor(r() * IMAGES.length)]!;
  const words = Array.from({ length: 8 }, () => WORDS[Math.floor(r() * WORDS.length)]!);
  // One event in 10,000 carries a rare word, one in 100 a less rare one: selective and broad free text.
  if (i % 10_000 === 7) words.push('mimikatz');
  if (i % 100 === 3) words.push('lsass');
  const cmd = `${image} /c ${words.slice(0, 3).join(' ')} ${i}`;
  return {
    core: {
      '@timestamp': new Date(ts).toISOString(), 'host.name': host, 'user.name': user, 'event.code': code,
      'event.provider': 'Microsoft-Windows-Security-Auditing', 'process.command_line': cmd, message: `${words.join(' ')} on ${host}`,
    },
    logsource: { product: 'windows', service: 'security' },
    profile: 'winlogbeat',
    original: {
      winlog: { channel: 'Security', event_id: Number(code), computer_name: host, event_data: { SubjectUserName: user, CommandLine: cmd, NewProcessName: image, ProcessId: `0x${(i & 0xffff).toString(16)}` } },
      host: { name: host }, event: { code, kind: 'event' },
    },
  };
}

/** CPU time (user + system, µs) of this process's main thread alone, from /proc (Linux); NaN elsewhere. */
function mainThreadCpuUs(): number {
  try {
    const stat = readFileSync(`/proc/self/task/${process.pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // utime and stime are fields 14 and 15 of stat(5), in clock ticks (100 per second on Linux).
    return (Number(fields[11]) + Number(fields[12])) * 10_000;
  } catch {
    return NaN;
  }
}

interface AppendRun {
  /** Wall time of the synchronous append calls per event: what the ingest thread is blocked for. */
  blockedUs: number;
  /** CPU time of the main thread per event over the append loop (includes building the events). */
  mainCpuUs: number;
  /** CPU time of the whole process per event, until the full-text index has caught up. */
  processCpuUs: number;
  /** After the last append: until the deferred index holds every event (0 inline). */
  catchUpMs: number;
  fileMB: number;
}

/** The same events appended to a fresh store opened with `options`: main-thread cost per event. */
async function appendRun(options: SqliteOptions, total: number): Promise<AppendRun> {
  const dir = mkdtempSync(join(tmpdir(), 'vigil-bench-append-'));
  const stores = openSqliteStores(dir, options);
  try {
    const r = rng(42);
    let blockedMs = 0;
    let buildMs = 0;
    global.gc?.();
    const p0 = process.cpuUsage();
    const m0 = mainThreadCpuUs();
    for (let i = 0; i < total; i += BATCH) {
      const n = Math.min(BATCH, total - i);
      const now = START + Math.floor((i / total) * (DAY - 120_000)) + 60_000;
      const b0 = performance.now();
      const batch = Array.from({ length: n }, (_, k) => makeEvent(i + k, now - Math.floor(r() * 60_000), r));
      const a0 = performance.now();
      stores.events.append(batch, now);
      blockedMs += performance.now() - a0;
      buildMs += a0 - b0;
      // Let the event loop turn (as a server's does between batches): the indexer's messages arrive.
      await new Promise((ok) => setImmediate(ok));
    }
    const mainUs = mainThreadCpuUs() - m0 - buildMs * 1000;
    const c0 = performance.now();
    await stores.events.whenIndexed?.(600_000);
    const catchUpMs = options.indexer ? performance.now() - c0 : 0;
    const p = process.cpuUsage(p0);
    const size = (f: string): number => statSync(join(dir, f), { throwIfNoEntry: false })?.size ?? 0;
    return {
      blockedUs: (blockedMs * 1000) / total, mainCpuUs: mainUs / total, processCpuUs: (p.user + p.system - buildMs * 1000) / total, catchUpMs,
      fileMB: (size(DB_FILE) + size(`${DB_FILE}-wal`) + size(FTS_FILE) + size(`${FTS_FILE}-wal`)) / 2 ** 20,
    };
  } finally {
    stores.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

export async function benchStorage(): Promise<string> {
  const total = option('storage-events', 'VIGIL_BENCH_STORAGE_EVENTS', 200_000);
  const days = option('storage-days', 'VIGIL_BENCH_STORAGE_DAYS', 10);
  const runs = option('storage-runs', 'VIGIL_BENCH_STORAGE_RUNS', 20);
  const appendEvents = option('storage-append-events', 'VIGIL_BENCH_STORAGE_APPEND_EVENTS', Math.min(total, 200_000));
  // Same events, same run: full text in the append transaction (as before) vs behind the commit.
  const inline = await appendRun({ fullText: 'inline' }, appendEvents);
  const deferred = await appendRun({ fullText: 'deferred', indexer: true }, appendEvents);
  const dir = mkdtempSync(join(tmpdir(), 'vigil-bench-storage-'));
  const stores = openSqliteStores(dir, { indexer: true });
  try {
    const r = rng(42);
    const perDay = Math.ceil(total / days);
    let appendMs = 0;
    let appendCpuUs = 0;
    let buildMs = 0;
    for (let i = 0; i < total; i += BATCH) {
      const n = Math.min(BATCH, total - i);
      const day = Math.floor(i / perDay);
      const base = START + day * DAY;
      // Receipt time moves through the day with the events; event times trail it by up to a minute.
      const now = base + Math.floor(((i % perDay) / perDay) * (DAY - 120_000)) + 60_000;
      const b0 = performance.now();
      const batch = Array.from({ length: n }, (_, k) => makeEvent(i + k, now - Math.floor(r() * 60_000), r));
      const a0 = performance.now();
      const c0 = process.cpuUsage();
      stores.events.append(batch, now);
      const c = process.cpuUsage(c0);
      appendMs += performance.now() - a0;
      appendCpuUs += c.user + c.system;
      buildMs += a0 - b0;
      if (total >= 1_000_000 && (i / BATCH) % 500 === 0) process.stderr.write(`bench: storage: ${i.toLocaleString('en-US')} appended (${(appendMs / 1000).toFixed(0)} s in append)\n`);
    }
    const appendEps = total / (appendMs / 1000);
    await stores.events.whenIndexed?.(600_000);
    const fileBytes = [DB_FILE, `${DB_FILE}-wal`, FTS_FILE, `${FTS_FILE}-wal`].reduce((n, f) => n + (statSync(join(dir, f), { throwIfNoEntry: false })?.size ?? 0), 0);

    const end = START + days * DAY;
    const all: TimeRange = { from: START - DAY, to: end };
    const lastDay: TimeRange = { from: end - DAY, to: end };
    const q = rng(7);
    const time = (query: () => string, range: TimeRange): { p50: number; p95: number; rows: number } => {
      const samples: number[] = [];
      let rows = 0;
      for (let k = 0; k < runs; k++) {
        const text = query();
        const t0 = performance.now();
        const res = stores.events.search(compileHunt(text, { range, now: range.to }));
        samples.push(performance.now() - t0);
        rows += res.kind === 'events' ? res.events.length : res.rows.length;
      }
      samples.sort((a, b) => a - b);
      return { p50: percentile(samples, 50), p95: percentile(samples, 95), rows: Math.round(rows / runs) };
    };
    const hostQ = (): string => `host.name:host-${Math.floor(q() * HOSTS)}`;
    const userQ = (): string => `user.name:user-${Math.floor(q() * USERS)}`;
    const cases: [string, () => string, TimeRange][] = [
      ['field match (indexed): `host.name:host-N`, all days', hostQ, all],
      ['field match (indexed) + `| head 20`, all days', () => `${hostQ()} | head 20`, all],
      ['field match (indexed): `user.name:user-N`, last 24 h', userQ, lastDay],
      ['field match (indexed): `user.name:user-N`, all days', userQ, all],
      ['JSON field: `winlog.event_data.SubjectUserName:user-N`, last 24 h', () => `winlog.event_data.SubjectUserName:user-${Math.floor(q() * USERS)}`, lastDay],
      ['full text, rare word: `mimikatz`, all days', () => 'mimikatz', all],
      ['full text, 1% of events: `lsass`, all days', () => 'lsass', all],
      ['full text phrase: `"failed logon"`, last 24 h', () => '"failed logon"', lastDay],
      ['`| stats count() by event.code`, last 24 h', () => '| stats count() by event.code', lastDay],
      ['`| stats count() by host.name | sort -count | head 10`, all days', () => '| stats count() by host.name | sort -count | head 10', all],
    ];
    const results = cases.map(([name, fn, range]) => ({ name, ...time(fn, range) }));

    const parts = stores.events.partitions();
    const dropStart = performance.now();
    const report = stores.events.applyRetention({ maxAgeDays: days - 1, returnSpace: false }, START + days * DAY + 1);
    const dropMs = performance.now() - dropStart;
    const vacuumStart = performance.now();
    stores.events.applyRetention({}, START + days * DAY + 1);
    const vacuumMs = performance.now() - vacuumStart;
    const fileAfter = statSync(join(dir, DB_FILE)).size;

    const fmt = (n: number): string => n.toLocaleString('en-US', { maximumFractionDigits: 0 });
    return [
      '## Embedded store (`bench/storage.ts`)',
      '',
      `${fmt(total)} synthetic Windows Security events (${HOSTS} hosts, ${USERS} users, 40 event codes, JSON original, FTS text) received over ${days} days: ${parts.length} day partitions, batches of ${BATCH}, WAL with synchronous=NORMAL. Data file ${fmt(fileBytes / 2 ** 20)} MB (${fmt(fileBytes / total)} bytes/event). Options: \`--storage-events=N --storage-days=D --storage-runs=R\`.`,
      '',
      '| measure | result | target |',
      '|---|---|---|',
      `| append, batches of ${BATCH} (one transaction each: rows, FTS, catalog), wall clock | ${fmt(appendEps)} events/s | far above 50,000 events/s |`,
      `| append, CPU time of the append calls (process: includes the indexer thread) | ${(appendCpuUs / total).toFixed(1)} µs/event = ${fmt(total / (appendCpuUs / 1e6))} events per CPU-second | |`,
      ...results.map((x) => `| hunt: ${x.name} (avg ${fmt(x.rows)} rows) | p50 ${x.p50.toFixed(1)} ms, p95 ${x.p95.toFixed(1)} ms |${x.name.startsWith('field match') ? ' p95 <= 300 ms |' : ' |'}`),
      `| retention: drop the oldest day (${fmt(report.dropped.reduce((n, d) => n + d.rows, 0))} events, ${fmt((report.usedBytesBefore - report.usedBytesAfter) / 2 ** 20)} MB): the transaction that holds the write lock | ${fmt(dropMs)} ms | |`,
      `| retention: then give the space back (incremental_vacuum in 16 MB steps + checkpoint) | ${fmt(vacuumMs)} ms (file ${fmt(fileAfter / 2 ** 20)} MB after) | |`,
      '',
      `Append cost on the ingest thread, ${fmt(appendEvents)} events into a fresh store, full text written in the append transaction (inline, as before) vs indexed behind the commit by the indexer thread, which also checkpoints the WAL (deferred); same events, same run:`,
      '',
      '| per appended event | inline | deferred | deferred / inline |',
      '|---|---|---|---|',
      `| main thread blocked in append() (wall) | ${inline.blockedUs.toFixed(1)} µs | ${deferred.blockedUs.toFixed(1)} µs | ${(deferred.blockedUs / inline.blockedUs).toFixed(2)} |`,
      `| main thread CPU (/proc task stat) | ${inline.mainCpuUs.toFixed(1)} µs | ${deferred.mainCpuUs.toFixed(1)} µs | ${(deferred.mainCpuUs / inline.mainCpuUs).toFixed(2)} |`,
      `| process CPU, all threads, until indexed | ${inline.processCpuUs.toFixed(1)} µs | ${deferred.processCpuUs.toFixed(1)} µs | ${(deferred.processCpuUs / inline.processCpuUs).toFixed(2)} |`,
      `| index lag after the last append | - | ${fmt(deferred.catchUpMs)} ms | |`,
      `| files | ${fmt(inline.fileMB)} MB | ${fmt(deferred.fileMB)} MB | |`,
      '',
      `Building the events (${fmt(buildMs)} ms) is not timed. Hunt latency is the whole \`search()\` call (partition lookup, SQL, JSON decoding of returned events), ${runs} runs each with varying values; event queries return at most 1000 rows, newest first.`,
      '',
    ].join('\n');
  } finally {
    stores.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
