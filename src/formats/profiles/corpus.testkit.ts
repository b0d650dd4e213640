// Test support only (imported by *.test.ts): finds the shared corpus and compares our ECS core with
// the ECS documents Elastic's pipelines produced. It reads files, so library code must not import it.
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { CORPORA } from '../../core/corpora.js';
import assert from 'node:assert/strict';
import type { EcsCore, EcsKey } from './types.js';

/** `../shared/corpora` beside the project, or undefined when this checkout has no corpus. */
export const CORPUS: string | undefined = (() => {
  return existsSync(join(CORPORA, 'logs')) ? CORPORA : undefined;
})();

/** node:test `skip` option: a reason when the corpus is absent. */
export const needsCorpus = CORPUS ? {} : { skip: 'shared corpus not found at ../shared/corpora (relative to the project root); corpus checks skipped' };

export function corpusText(rel: string): string {
  if (!CORPUS) throw new Error('corpus missing');
  return readFileSync(join(CORPUS, rel), 'utf8');
}

/** A file of the real-log corpus (`logs/` in the shared corpus). */
export function logText(rel: string): string {
  return corpusText(join('logs', rel));
}

/** Paths (relative to the corpus root) of files under `relDir` whose name ends with `suffix`, sorted. */
export function corpusFiles(relDir: string, suffix: string): string[] {
  if (!CORPUS || !existsSync(join(CORPUS, relDir))) return [];
  return readdirSync(join(CORPUS, relDir), { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith(suffix))
    .map((f) => join(relDir, f))
    .sort();
}

export function corpusExists(rel: string): boolean {
  return CORPUS !== undefined && existsSync(join(CORPUS, rel));
}

export function corpusLines(rel: string): string[] {
  return corpusText(rel).split('\n').filter((l) => l.trim() !== '');
}

/** Nested ECS objects to dotted keys; arrays (of scalars or objects) stay values. */
export function flatten(obj: unknown, prefix = '', out: Record<string, unknown> = {}): Record<string, unknown> {
  if (obj !== null && typeof obj === 'object' && !Array.isArray(obj)) {
    for (const [k, v] of Object.entries(obj)) flatten(v, prefix ? `${prefix}.${k}` : k, out);
  } else {
    out[prefix] = obj;
  }
  return out;
}

/** An ECS field where we knowingly differ from Elastic, with the reason; `docs` limits it to some documents. */
export interface AcceptedDifference {
  file: string;
  field: EcsKey;
  docs?: number[];
  reason: string;
}

const CORE_KEYS: EcsKey[] = [
  '@timestamp', 'event.code', 'event.provider', 'event.dataset', 'event.category', 'event.action', 'event.outcome',
  'host.name', 'user.name', 'source.ip', 'source.port', 'destination.ip', 'destination.port', 'process.name',
  'process.pid', 'process.executable', 'process.command_line', 'process.parent.executable', 'file.path',
  'url.original', 'http.response.status_code', 'dns.question.name', 'message', 'related.ip',
];

function same(key: EcsKey, ours: unknown, theirs: unknown): boolean {
  if (key === '@timestamp') return typeof ours === 'string' && typeof theirs === 'string' && Date.parse(ours) === Date.parse(theirs);
  if (key === 'event.category' || key === 'related.ip') {
    const a = (Array.isArray(ours) ? ours : [ours]).map(String).sort();
    const b = (Array.isArray(theirs) ? theirs : [theirs]).map(String).sort();
    return JSON.stringify(a) === JSON.stringify(b);
  }
  // Some Elastic vintages write keyword fields as one-element arrays (`"event.action": ["typed"]`).
  const scalar = Array.isArray(theirs) && theirs.length === 1 ? theirs[0] : theirs;
  return JSON.stringify(ours) === JSON.stringify(scalar);
}

function clip(v: unknown): string {
  const s = JSON.stringify(v) ?? 'undefined';
  return s.length > 160 ? `${s.slice(0, 160)}...` : s;
}

export interface Tally {
  compared: number;
  accepted: number;
  docs: number;
}

/**
 * Compares each core with its expected document on every core key the document has (`aliases`
 * maps a core key to the expected key to read instead). Unlisted mismatches fail; listed ones must
 * really differ, so the list cannot go stale.
 */
export function compareWithElastic(
  file: string,
  cores: EcsCore[],
  expected: Array<Record<string, unknown>>,
  accepted: AcceptedDifference[],
  aliases: Partial<Record<EcsKey, string>> = {},
  tally: Tally = { compared: 0, accepted: 0, docs: 0 },
): Tally {
  assert.equal(cores.length, expected.length, `${file}: ${cores.length} events, ${expected.length} expected documents`);
  const used = new Set<AcceptedDifference>();
  const failures: string[] = [];
  cores.forEach((core, i) => {
    const doc = flatten(expected[i]);
    tally.docs++;
    for (const key of CORE_KEYS) {
      const theirKey = aliases[key] ?? key;
      if (!(theirKey in doc)) continue;
      const ours = core[key];
      const theirs = doc[theirKey];
      const ok = same(key, ours, theirs);
      const excuse = accepted.find((a) => a.file === file && a.field === key && (!a.docs || a.docs.includes(i)));
      if (excuse) {
        if (ok) failures.push(`${file}[${i}] ${key}: listed as an accepted difference but agrees (${JSON.stringify(ours)})`);
        used.add(excuse);
        tally.accepted++;
        continue;
      }
      tally.compared++;
      if (!ok) failures.push(`${file}[${i}] ${key}: ours ${clip(ours)}, Elastic ${clip(theirs)}`);
    }
  });
  for (const a of accepted) if (a.file === file && !used.has(a)) failures.push(`${file}: accepted difference on ${a.field} never applied (stale entry)`);
  assert.deepEqual(failures, []);
  return tally;
}
