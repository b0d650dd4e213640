import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { benchRetrohunt } from './retrohunt.js';
import { benchSigma } from './sigma.js';
import { benchDetect } from './detect.js';
import { benchSyslog } from './syslog.js';
import { benchServe } from './serve.js';
import { benchIngestPath } from './ingestpath.js';
import { benchStorage } from './storage.js';
import { benchTuning } from './tuning.js';
import { benchSoc } from './soc.js';
import { CORPORA as SHARED_CORPORA } from '../src/core/corpora.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const CORPORA = process.env['VIGIL_CORPORA'] ?? SHARED_CORPORA;

type Section = (corpora: string) => Promise<string>;

async function optional(modulePath: string, exportName: string): Promise<Section | undefined> {
  try {
    const mod = (await import(modulePath)) as Record<string, unknown>;
    const fn = mod[exportName];
    return typeof fn === 'function' ? (fn as Section) : undefined;
  } catch {
    return undefined;
  }
}

/** The EVTX benchmark takes the evtx folder itself. */
async function evtxSection(): Promise<Section | undefined> {
  const bench = (await optional('./evtx.js', 'benchEvtx')) as ((dir: string) => Promise<string>) | undefined;
  return bench && ((corpora) => bench(join(corpora, 'evtx')));
}

/** The hunt benchmark runs the CLI over corpora/evtx with corpora/sigma/rules. */
async function huntSection(): Promise<Section | undefined> {
  return optional('./hunt.js', 'benchHunt');
}

async function main(): Promise<void> {
  const only = process.argv.slice(2).filter((a) => !a.startsWith('--'));
  const sections: [string, Section | undefined][] = [
    ['sigma', benchSigma],
    ['evtx', await evtxSection()],
    ['detect', benchDetect],
    ['syslog', benchSyslog],
    ['serve', benchServe],
    ['ingestpath', benchIngestPath],
    ['retrohunt', benchRetrohunt],
    ['hunt', await huntSection()],
    ['storage', benchStorage],
    ['tuning', benchTuning],
    ['soc', benchSoc],
  ];
  const cpu = cpus()[0]?.model ?? 'unknown CPU';
  const header = [
    '# Benchmarks',
    '',
    `Command: \`npm run bench${only.length ? ' -- ' + only.join(' ') : ''}\``,
    `Machine: ${cpus().length} x ${cpu}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB RAM, Node ${process.version}, ${process.platform}`,
    `Date: ${new Date().toISOString()}`,
    '',
    'Ratios compare against a baseline measured in the same run; absolute numbers move with the load on these shared machines.',
    '',
  ].join('\n');
  let body = '';
  for (const [name, fn] of sections) {
    if (only.length && !only.includes(name)) continue;
    if (!fn) continue;
    process.stderr.write(`bench: ${name}...\n`);
    const section = stamp(await fn(CORPORA), name);
    process.stdout.write(section + '\n');
    body += section + '\n';
  }
  if (process.argv.includes('--write')) {
    const out = `${ROOT}BENCHMARKS.md`;
    // A partial run replaces only its own sections, so benches can be rerun one at a time.
    writeFileSync(out, only.length && existsSync(out) ? mergeSections(readFileSync(out, 'utf8'), body) : header + body);
    process.stderr.write(`bench: wrote ${out}${existsSync(CORPORA) ? '' : ' (corpora missing: sections skipped)'}\n`);
  }
}

/** Adds, under the section's first heading, the command and date of this run of it. */
function stamp(section: string, name: string): string {
  const lines = section.split('\n');
  const at = lines.findIndex((l) => l.startsWith('## '));
  if (at < 0) return section;
  lines.splice(at + 1, 0, '', `Run: \`npm run bench -- ${name}\` on ${new Date().toISOString().slice(0, 10)}, ${cpus().length} x ${cpus()[0]?.model ?? 'CPU'}, Node ${process.version}`);
  return lines.join('\n');
}

/** Replaces the `## ` sections of `existing` that `fresh` has (matched by heading), appending new ones. */
export function mergeSections(existing: string, fresh: string): string {
  const split = (text: string): { head: string; sections: [string, string][] } => {
    const parts = text.split(/^(?=## )/m);
    const head = parts[0]!.startsWith('## ') ? '' : parts.shift()!;
    return { head, sections: parts.map((p) => [p.split('\n', 1)[0]!, p] as [string, string]) };
  };
  const old = split(existing);
  const updates = split(fresh).sections;
  const out = old.sections.map(([h, text]) => {
    const u = updates.find(([uh]) => uh === h);
    return u ? u[1] : text;
  });
  for (const [h, text] of updates) if (!old.sections.some(([oh]) => oh === h)) out.push(text);
  return old.head + out.map((t) => (t.endsWith('\n') ? t : t + '\n')).join('');
}

await main();
