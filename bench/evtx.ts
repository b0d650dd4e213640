/**
 * EVTX reader throughput against libevtx's `evtxexport -f xml`, measured in the same run over the
 * same files (/work/shared/corpora/evtx). Ours runs in this process on one core (the streaming
 * `readEvtx`, building every event object); evtxexport runs once per file as a child process with
 * its output sent to /dev/null, which is how it is used, so its process start-up counts.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { readEvtx, toXml } from '../src/formats/evtx/index.js';
import { listEvtxFiles } from '../src/formats/evtx/files.js';
import { CORPORA } from '../src/core/corpora.js';

const DEFAULT_CORPUS = join(CORPORA, 'evtx');
const MIN_SECONDS = 2;


interface Timing {
  /** Seconds per pass over all files. */
  seconds: number;
  passes: number;
  records: number;
}

/** Repeats whole passes until at least MIN_SECONDS of work, returning the mean time per pass. */
async function timePasses(pass: () => Promise<number>): Promise<Timing> {
  let records = await pass(); // warm-up: JIT, page cache
  let passes = 0;
  const start = process.hrtime.bigint();
  let elapsed = 0;
  while (elapsed < MIN_SECONDS || passes < 2) {
    records = await pass();
    passes++;
    elapsed = Number(process.hrtime.bigint() - start) / 1e9;
  }
  return { seconds: elapsed / passes, passes, records };
}

async function oursPass(files: string[], xml: boolean): Promise<number> {
  let records = 0;
  let sink = 0;
  for (const file of files) {
    for await (const record of readEvtx(file)) {
      records++;
      if (xml) sink += toXml(record).length;
    }
  }
  return records + (sink < 0 ? 1 : 0);
}

function runEvtxexport(file: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn('evtxexport', ['-f', 'xml', file], { stdio: ['ignore', 'ignore', 'ignore'] });
    child.on('error', reject);
    child.on('exit', () => resolve());
  });
}

async function evtxexportPass(files: string[]): Promise<number> {
  for (const file of files) await runEvtxexport(file);
  return 0;
}

function fmt(n: number, digits = 1): string {
  return n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });
}

/** Runs the benchmark and returns a Markdown section for BENCHMARKS.md. */
export async function benchEvtx(corpus = DEFAULT_CORPUS): Promise<string> {
  const title = '## EVTX reader vs evtxexport';
  if (!existsSync(corpus)) return `${title}\n\nSkipped: corpus ${corpus} not found.\n`;
  const files = listEvtxFiles(corpus);
  const bytes = files.reduce((sum, f) => sum + statSync(f).size, 0);
  const json = await timePasses(() => oursPass(files, false));
  const withXml = await timePasses(() => oursPass(files, true));
  const hasReference = !spawnSync('evtxexport', ['-h'], { stdio: 'ignore' }).error;
  const reference = hasReference ? await timePasses(() => evtxexportPass(files)) : undefined;
  const mb = bytes / 1e6;
  const row = (name: string, t: Timing, records: number) =>
    `| ${name} | ${fmt(t.seconds * 1000, 0)} | ${fmt(mb / t.seconds)} | ${fmt(records / t.seconds, 0)} | ${t.passes} |`;
  const lines = [
    title,
    '',
    `Command: \`node -e "import('./dist/bench/evtx.js').then(async (m) => console.log(await m.benchEvtx()))"\``,
    `Machine: ${cpus()[0]?.model ?? 'unknown CPU'} (${cpus().length} cores), Node ${process.version}, ${new Date().toISOString().slice(0, 10)}`,
    `Corpus: ${files.length} files, ${fmt(mb)} MB, ${json.records} records (${corpus})`,
    '',
    '| reader | ms per pass | MB/s | records/s | passes |',
    '|---|---:|---:|---:|---:|',
    row('vigil readEvtx (event objects)', json, json.records),
    row('vigil readEvtx + toXml', withXml, withXml.records),
  ];
  if (reference) {
    lines.push(row('evtxexport -f xml (one process per file)', reference, json.records));
    lines.push(
      '',
      `Ratio (evtxexport time / ours): ${fmt(reference.seconds / json.seconds)}x with event objects, ` +
        `${fmt(reference.seconds / withXml.seconds)}x with XML text as well. Target: at least 5x.`,
    );
  } else {
    lines.push('', 'evtxexport not installed (apt-get install libevtx-utils): no baseline, no ratio.');
  }
  return lines.join('\n') + '\n';
}
