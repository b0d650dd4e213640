/**
 * `vigil serve` ingest: HTTP NDJSON events/s through the real server (startVigil on loopback, real
 * SQLite store in a temp folder, keep-alive shippers in a worker thread), with detection off and on,
 * as a ratio to a JSON.parse-only loop over the same bytes in the same run; receipt-to-alert p50/p99
 * from the server's own histogram.
 */
import { mkdtempSync, mkdirSync, readFileSync, readdirSync, rmSync, statSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { readJsonValues } from '../src/formats/jsonseq/read.js';
import { startVigil } from '../src/app/start.js';
import { bucketsOf, histogramQuantile } from '../src/metrics/quantile.js';
import type { ClientJob, ClientResult } from './serve-client.js';

const TOKEN = 'bench-admin-token-0123456789';
const EVENTS = Number(process.env['VIGIL_BENCH_SERVE_EVENTS'] ?? 100_000);
const BATCH = 1000;
const CLIENTS = 4;
const WINDOWS_SHARE = 0.7;

function windowsEvents(dir: string): unknown[] {
  const out: unknown[] = [];
  const walk = (d: string): void => {
    for (const e of readdirSync(d)) {
      const p = join(d, e);
      if (statSync(p).isDirectory()) walk(p);
      else if (e.endsWith('.json')) for (const v of readJsonValues(readFileSync(p, 'utf8'), p)) if (!(v instanceof Error)) out.push(v.value);
    }
  };
  walk(dir);
  return out;
}

/** auth.log lines as a JSON shipper (Filebeat, Vector) sends them. */
function authEvents(file: string): unknown[] {
  return readFileSync(file, 'utf8').split('\n').filter((l) => l.trim() !== '').map((line, i) => {
    const m = /^(\w{3} +\d+ [\d:]+) (\S+) ([^:[]+)(?:\[(\d+)\])?: (.*)$/.exec(line);
    return {
      '@timestamp': new Date(Date.UTC(2024, 1, 1, 0, 0, i % 3600)).toISOString(),
      host: { hostname: m?.[2] ?? 'host' }, process: { name: m?.[3] ?? 'sshd', pid: Number(m?.[4] ?? 0) },
      log: { file: { path: '/var/log/auth.log' } }, message: m?.[5] ?? line,
    };
  });
}

export interface ServeMix { bodies: Uint8Array[]; perBody: number[]; bytes: number }

function bodies(windows: unknown[], auth: unknown[]): ServeMix {
  const out: Uint8Array[] = [];
  const perBody: number[] = [];
  let bytes = 0;
  let w = 0;
  let a = 0;
  for (let b = 0; b < 20; b++) {
    const lines: string[] = [];
    for (let i = 0; i < BATCH; i++) {
      const useWindows = auth.length === 0 || (windows.length > 0 && (i % 10) < WINDOWS_SHARE * 10);
      lines.push(JSON.stringify(useWindows ? windows[w++ % windows.length] : auth[a++ % auth.length]));
    }
    const buf = Buffer.from(lines.join('\n') + '\n');
    out.push(buf);
    perBody.push(BATCH);
    bytes += buf.length;
  }
  return { bodies: out, perBody, bytes };
}

/**
 * The serve bench's request bodies: 20 NDJSON bodies of BATCH events, 70% Windows/Sysmon evtx-JSON
 * from sigma-regression, the rest auth.log lines as shipper JSON. Undefined without the corpus.
 */
export function serveMix(corpora: string): ServeMix | undefined {
  const regression = join(corpora, 'sigma-regression');
  const authLog = join(corpora, 'logs', 'system-auth', 'test.log');
  if (!existsSync(regression)) return undefined;
  return bodies(windowsEvents(regression), existsSync(authLog) ? authEvents(authLog) : []);
}

/** The baseline: only JSON.parse over the same NDJSON bytes. */
export function parseOnly(all: Uint8Array[], totalBodies: number): number {
  let n = 0;
  const started = performance.now();
  for (let k = 0; k < totalBodies; k++) {
    const text = Buffer.from(all[k % all.length]!).toString('utf8');
    let at = 0;
    for (;;) {
      const nl = text.indexOf('\n', at);
      if (nl < 0) break;
      if (nl > at) { JSON.parse(text.slice(at, nl)); n++; }
      at = nl + 1;
    }
  }
  return n / ((performance.now() - started) / 1000);
}

function ship(job: ClientJob): Promise<ClientResult> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(new URL('./serve-client.js', import.meta.url), { workerData: job });
    worker.once('message', (r: ClientResult) => { void worker.terminate(); resolve(r); });
    worker.once('error', reject);
  });
}

interface RunResult {
  ackedEps: number;
  detectedEps: number;
  acked: number;
  retries: number;
  rules: number;
  commits: number;
  p50: number;
  p99: number;
  alerts: number;
  /** Busy time of the server's event loop (HTTP, normalize, commit, hand-off, alert writes) per acknowledged event. */
  mainUsPerEvent: number;
  errors: string[];
}

async function runServer(rules: string, data: { bodies: Uint8Array[]; perBody: number[] }, totalBodies: number): Promise<RunResult> {
  const dir = mkdtempSync(join(tmpdir(), 'vigil-bench-serve-'));
  try {
    const vigil = await startVigil({
      dataDir: join(dir, 'data'), port: 0, rules: [rules], env: { VIGIL_ADMIN_TOKEN: TOKEN }, log: () => {}, print: () => {},
    });
    const started = performance.now();
    const elu = performance.eventLoopUtilization();
    const r = await ship({ url: vigil.url, token: TOKEN, bodies: data.bodies, eventsPerBody: data.perBody, clients: CLIENTS, totalBodies });
    // Acknowledged means committed; detection may still be catching up: close() waits for it.
    await vigil.pipeline.close();
    const detectedMs = performance.now() - started;
    const busy = performance.eventLoopUtilization(elu);
    const buckets = await bucketsOf(vigil.metrics.detectionLatency);
    const result: RunResult = {
      ackedEps: r.acked / (r.ms / 1000), detectedEps: r.acked / (detectedMs / 1000), acked: r.acked, retries: r.retries,
      rules: vigil.rules.loaded, commits: vigil.pipeline.commitCount,
      p50: histogramQuantile(buckets, 0.5), p99: histogramQuantile(buckets, 0.99),
      alerts: buckets.at(-1)?.count ?? 0, mainUsPerEvent: (busy.active * 1000) / Math.max(1, r.acked), errors: r.errors,
    };
    await vigil.close();
    return result;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const fmt = (n: number): string => Math.round(n).toLocaleString('en-US');
const sec = (s: number): string => (Number.isNaN(s) ? 'n/a' : s < 1 ? `${(s * 1000).toFixed(0)} ms` : `${s.toFixed(2)} s`);

export async function benchServe(corpora: string): Promise<string> {
  const sigmaRules = join(corpora, 'sigma', 'rules');
  const data = serveMix(corpora);
  if (!data) return `## vigil serve ingest\n\nskipped: ${join(corpora, 'sigma-regression')} not found\n`;
  const totalBodies = Math.ceil(EVENTS / BATCH);
  const empty = mkdtempSync(join(tmpdir(), 'vigil-bench-norules-'));
  mkdirSync(join(empty, 'rules'));
  try {
    parseOnly(data.bodies, 20);
    const baseline = parseOnly(data.bodies, totalBodies);
    const bare = await runServer(join(empty, 'rules'), data, totalBodies);
    const detect = await runServer(existsSync(sigmaRules) ? sigmaRules : join(empty, 'rules'), data, totalBodies);
    const row = (name: string, r: RunResult, eps: number): string =>
      `| ${name} | ${fmt(eps)} events/s | ${(eps / baseline * 100).toFixed(1)}% |`;
    const errors = [...bare.errors, ...detect.errors];
    return [
      '## vigil serve ingest (`bench/serve.ts`)',
      '',
      `HTTP NDJSON \`POST /api/v1/events\`, ${CLIENTS} keep-alive clients (worker thread), batches of ${BATCH} events `
        + `(${(data.bytes / data.bodies.length / BATCH).toFixed(0)} bytes/event: ${WINDOWS_SHARE * 100}% Sysmon/Windows evtx-JSON from sigma-regression, `
        + `the rest auth.log lines as shipper JSON), ${fmt(totalBodies * BATCH)} events per run, SQLite WAL store in a temp folder. `
        + `"acknowledged" = HTTP 200 after commit; "detected" = until detection finished the last event.`,
      '',
      '| measure | result | vs JSON.parse-only |',
      '|---|---|---|',
      `| JSON.parse-only loop, same bytes (baseline) | ${fmt(baseline)} events/s | 100% |`,
      row('ingest, no rules: acknowledged (durable)', bare, bare.ackedEps),
      row(`ingest + detection (${detect.rules} rules): acknowledged (durable)`, detect, detect.ackedEps),
      row(`ingest + detection (${detect.rules} rules): detected`, detect, detect.detectedEps),
      `| receipt-to-alert p50 / p99 (histogram, ${fmt(detect.alerts)} alerts) | ${sec(detect.p50)} / ${sec(detect.p99)} | target p99 <= 2 s |`,
      `| group commits (no rules / with rules) | ${fmt(bare.commits)} / ${fmt(detect.commits)} (${fmt(bare.acked / Math.max(1, bare.commits))} / ${fmt(detect.acked / Math.max(1, detect.commits))} events each) | |`,
      `| server event loop busy per event (no rules / with rules) | ${bare.mainUsPerEvent.toFixed(1)} / ${detect.mainUsPerEvent.toFixed(1)} µs | |`,
      `| 429/503 retries (no rules / with rules) | ${bare.retries} / ${detect.retries} | |`,
      '',
      'Target: 50,000 events/s durable with detection on.',
      errors.length ? `\nErrors: ${errors.join('; ')}\n` : '',
    ].join('\n');
  } finally {
    rmSync(empty, { recursive: true, force: true });
  }
}
