/**
 * `vigil hunt` end to end, as a user runs it: the CLI as a child process (rule loading, threads,
 * output) over /work/shared/corpora/evtx with all SigmaHQ rules, against libevtx's plain
 * `evtxexport` (default text output, one process per file, output to /dev/null) over the same
 * files in the same run. The parsed-rule cache is measured both ways: cold (an empty cache folder:
 * the YAML is parsed and the cache written, as on a first hunt) and warm (what every later hunt
 * with the same rules sees). Then the corpus replicated to at least 1 GB (a temp folder of symbolic
 * links, removed afterwards) is hunted with the peak RSS of the whole process (worker threads
 * included) read from /proc/<pid>/status VmHWM.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, symlinkSync } from 'node:fs';
import { availableParallelism, cpus, loadavg, tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CORPORA } from '../src/core/corpora.js';
import { listEvtxFiles } from '../src/formats/evtx/files.js';

const BIN = fileURLToPath(new URL('../../bin/vigil.js', import.meta.url));
const ROUNDS = 3;
const REPLICA_BYTES = 1e9;
const RSS_TARGET_MB = 500;

interface Run {
  seconds: number;
  peakRssMb: number;
  stderr: string;
  status: number | null;
}

/** Peak RSS (VmHWM) of a running process in MB, or 0 once it is gone. */
function vmHwmMb(pid: number): number {
  try {
    const m = /^VmHWM:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) / 1024 : 0;
  } catch {
    return 0;
  }
}

/** Runs a command with stdout to /dev/null, polling its peak RSS until it exits. */
function run(command: string, args: string[], env?: NodeJS.ProcessEnv): Promise<Run> {
  return new Promise((resolve, reject) => {
    const start = process.hrtime.bigint();
    const child = spawn(command, args, { stdio: ['ignore', 'ignore', 'pipe'], env });
    let stderr = '';
    let peak = 0;
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    const poll = setInterval(() => (peak = Math.max(peak, vmHwmMb(child.pid ?? 0))), 20);
    child.on('error', (err) => {
      clearInterval(poll);
      reject(err);
    });
    child.on('exit', (status) => {
      clearInterval(poll);
      resolve({ seconds: Number(process.hrtime.bigint() - start) / 1e9, peakRssMb: peak, stderr, status });
    });
  });
}

async function evtxexportPass(files: string[]): Promise<number> {
  const start = process.hrtime.bigint();
  for (const file of files) await run('evtxexport', [file]);
  return Number(process.hrtime.bigint() - start) / 1e9;
}

function huntArgs(dir: string, rules: string, threads?: number): string[] {
  return [BIN, 'hunt', dir, '--rules', rules, '--format', 'jsonl', ...(threads ? ['--threads', String(threads)] : [])];
}

/** Hunts with the rule cache in `cacheDir` (an empty folder: a cold cache). */
async function hunt(dir: string, rules: string, cacheDir: string, threads?: number): Promise<Run> {
  const r = await run(process.execPath, huntArgs(dir, rules, threads), { ...process.env, VIGIL_CACHE_DIR: cacheDir });
  if (r.status !== 0) throw new Error(`vigil hunt exited with ${r.status}: ${r.stderr.slice(-2000)}`);
  return r;
}

/** `hunt: 209 files, 7442 records, 1015 detections in ...` from the closing summary. */
function summaryOf(stderr: string): { files: number; records: number; detections: number } {
  const m = /hunt: (\d+) files, (\d+) records, (\d+) detections/.exec(stderr);
  return m ? { files: Number(m[1]), records: Number(m[2]), detections: Number(m[3]) } : { files: 0, records: 0, detections: 0 };
}

const fmt = (n: number, digits = 2) => n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });
const best = (xs: number[]) => Math.min(...xs);

/** A folder of links repeating the corpus files until they add up to `bytes`. */
function replicate(files: string[], bytes: number): { dir: string; copies: number; total: number } {
  const dir = mkdtempSync(join(tmpdir(), 'vigil-hunt-bench-'));
  const size = files.reduce((s, f) => s + statSync(f).size, 0);
  const copies = Math.ceil(bytes / size);
  for (let c = 0; c < copies; c++) {
    const sub = join(dir, `copy-${String(c).padStart(3, '0')}`);
    mkdirSync(sub);
    files.forEach((f, i) => symlinkSync(f, join(sub, `${String(i).padStart(3, '0')}-${basename(f)}`)));
  }
  return { dir, copies, total: copies * size };
}

/** Runs the benchmark and returns a Markdown section for BENCHMARKS.md. */
export async function benchHunt(corpora = CORPORA): Promise<string> {
  const title = '## Hunt (`bench/hunt.ts`): `vigil hunt` vs evtxexport';
  const corpus = join(corpora, 'evtx');
  const rules = join(corpora, 'sigma', 'rules');
  if (!existsSync(corpus) || !existsSync(rules)) return `${title}\n\nSkipped: needs ${corpus} and ${rules}.\n`;
  const files = listEvtxFiles(corpus);
  const mb = files.reduce((s, f) => s + statSync(f).size, 0) / 1e6;
  const hasReference = !spawnSync('evtxexport', ['-h'], { stdio: 'ignore' }).error;
  const threads = availableParallelism();

  const cacheRoot = mkdtempSync(join(tmpdir(), 'vigil-hunt-cache-'));
  let coldRuns = 0;
  const coldCache = () => join(cacheRoot, `cold-${coldRuns++}`);
  const warmCache = join(cacheRoot, 'warm');
  const loadBefore = loadavg()[0]!;
  const huntCold: Run[] = [];
  const huntWarm: Run[] = [];
  const huntOne: Run[] = [];
  const huntTwo: Run[] = [];
  const reference: number[] = [];
  let big: { dir: string; copies: number; total: number } | undefined;
  let bigRun: Run;
  try {
    await hunt(corpus, rules, warmCache); // warm-up: page cache, rule cache
    // Alternating rounds, so a burst of load from other work hits every side alike.
    for (let i = 0; i < ROUNDS; i++) {
      huntCold.push(await hunt(corpus, rules, coldCache()));
      huntWarm.push(await hunt(corpus, rules, warmCache));
      huntOne.push(await hunt(corpus, rules, warmCache, 1));
      huntTwo.push(await hunt(corpus, rules, warmCache, 2));
      if (hasReference) reference.push(await evtxexportPass(files));
    }
    big = replicate(files, REPLICA_BYTES);
    bigRun = await hunt(big.dir, rules, warmCache);
  } finally {
    if (big) rmSync(big.dir, { recursive: true, force: true });
    rmSync(cacheRoot, { recursive: true, force: true });
  }
  const counts = summaryOf(huntWarm[0]!.stderr);
  const t = (runs: Run[]) => best(runs.map((r) => r.seconds));
  const bigCounts = summaryOf(bigRun.stderr);

  const lines = [
    title,
    '',
    'Command: `npm run bench -- hunt` (the CLI as a child process: `node bin/vigil.js hunt DIR --rules RULES --format jsonl`, stdout to /dev/null)',
    `Machine: ${cpus()[0]?.model ?? 'unknown CPU'} (${cpus().length} cores), Node ${process.version}, ${new Date().toISOString().slice(0, 10)}`,
    `Corpus: ${files.length} files, ${fmt(mb, 1)} MB, ${counts.records} records, ${counts.detections} detections with ${rules}`,
    `Times: best of ${ROUNDS} alternating rounds, wall clock, process start, rule loading and compiling included.`,
    'Rule cache: cold = an empty cache folder (VIGIL_CACHE_DIR), so the YAML is parsed and the parsed-rule cache written, as on the first hunt with these rules; ' +
      'warm = the cache is current, as on every later hunt (the rules are read back instead of parsed).',
    `Threads: the default is one per 64 MB of input (so 1 on this corpus), at most the cores (${threads} here); --threads N as given.`,
    `Load average (1 min) at the start / end of this section: ${fmt(loadBefore)} / ${fmt(loadavg()[0]!)} on ${cpus().length} cores (other work on the machine slows the hunt more than evtxexport).`,
    '',
    '| run | seconds | peak RSS | target |',
    '|---|---:|---:|---|',
    `| vigil hunt, cold rule cache (default threads) | ${fmt(t(huntCold))} | ${fmt(huntCold[0]!.peakRssMb, 0)} MB | |`,
    `| vigil hunt, warm rule cache (default threads) | ${fmt(t(huntWarm))} | ${fmt(huntWarm[0]!.peakRssMb, 0)} MB | at most 2x evtxexport |`,
    `| vigil hunt --threads 1, warm | ${fmt(t(huntOne))} | ${fmt(huntOne[0]!.peakRssMb, 0)} MB | |`,
    `| vigil hunt --threads 2, warm | ${fmt(t(huntTwo))} | ${fmt(huntTwo[0]!.peakRssMb, 0)} MB | |`,
  ];
  if (hasReference) {
    const tRef = best(reference);
    lines.push(`| evtxexport (plain text, one process per file) | ${fmt(tRef)} | | baseline |`);
    lines.push(
      '',
      `Ratio hunt / evtxexport: warm rule cache ${fmt(t(huntWarm) / tRef)}x, cold rule cache ${fmt(t(huntCold) / tRef)}x ` +
        `(--threads 1 warm: ${fmt(t(huntOne) / tRef)}x, --threads 2 warm: ${fmt(t(huntTwo) / tRef)}x). Target: at most 2x.`,
    );
  } else {
    lines.push('', 'evtxexport not installed (apt-get install libevtx-utils): no baseline, no ratio.');
  }
  lines.push(
    '',
    `Replicated: ${big.copies} copies of the corpus as links, ${fmt(big.total / 1e9)} GB, ${bigCounts.files} files, ${bigCounts.records} records, ` +
      `${bigCounts.detections} detections in ${fmt(bigRun.seconds)} s (${fmt(big.total / 1e6 / bigRun.seconds, 1)} MB/s) with the default threads (${threads} for this size), warm rule cache; ` +
      `peak RSS (VmHWM, whole process) ${fmt(bigRun.peakRssMb, 0)} MB. Target: at most ${RSS_TARGET_MB} MB.`,
  );
  return lines.join('\n') + '\n';
}
