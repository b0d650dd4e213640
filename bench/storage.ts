/**
 * Embedded store: append throughput (batched, WAL + synchronous=NORMAL, FTS on) and hunt latency over N
 * synthetic events spread over day partitions. N: `--storage-events=N` or VIGIL_BENCH_STORAGE_EVENTS
 * (default 200,000, so `npm run bench` stays short; the number is 10,000,000).
 */
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { compileHunt } from '../src/query/sql/compile.js';
import type { TimeRange } from '../src/query/time.js';
import type { NewEvent } from '../src/storage/ports.js';
import { DB_FILE, openSqliteStores } from '../src/storage/sqlite/index.js';

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

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

export async function benchStorage(): Promise<string> {
  const total = option('storage-events', 'VIGIL_BENCH_STORAGE_EVENTS', 200_000);
  const days = option('storage-days', 'VIGIL_BENCH_STORAGE_DAYS', 10);
  const runs = option('storage-runs', 'VIGIL_BENCH_STORAGE_RUNS', 20);
  const dir = mkdtempSync(join(tmpdir(), 'vigil-bench-storage-'));
  const stores = openSqliteStores(dir);
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
    const fileBytes = statSync(join(dir, DB_FILE)).size + (statSync(join(dir, `${DB_FILE}-wal`), { throwIfNoEntry: false })?.size ?? 0);

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
      `| append, CPU time of the append calls | ${(appendCpuUs / total).toFixed(1)} µs/event = ${fmt(total / (appendCpuUs / 1e6))} events per CPU-second | |`,
      ...results.map((x) => `| hunt: ${x.name} (avg ${fmt(x.rows)} rows) | p50 ${x.p50.toFixed(1)} ms, p95 ${x.p95.toFixed(1)} ms |${x.name.startsWith('field match') ? ' p95 <= 300 ms |' : ' |'}`),
      `| retention: drop the oldest day (${fmt(report.dropped.reduce((n, d) => n + d.rows, 0))} events, ${fmt((report.usedBytesBefore - report.usedBytesAfter) / 2 ** 20)} MB): the transaction that holds the write lock | ${fmt(dropMs)} ms | |`,
      `| retention: then give the space back (incremental_vacuum in 16 MB steps + checkpoint) | ${fmt(vacuumMs)} ms (file ${fmt(fileAfter / 2 ** 20)} MB after) | |`,
      '',
      `Building the events (${fmt(buildMs)} ms) is not timed. Hunt latency is the whole \`search()\` call (partition lookup, SQL, JSON decoding of returned events), ${runs} runs each with varying values; event queries return at most 1000 rows, newest first.`,
      '',
    ].join('\n');
  } finally {
    stores.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
