/**
 * Conformance of the EVTX reader against libevtx (`evtxexport`, Debian `libevtx-utils`).
 *
 *   node dist/src/formats/evtx/conformance.js [corpus-dir]     (default /work/shared/corpora/evtx)
 *
 * For every .evtx under the corpus: our record count must equal RECORD_COUNTS.tsv, and each
 * record's fields must equal what `evtxexport -f xml FILE` prints, compared as
 * (element path, attribute, text) triples (see xmlfields.ts). Exit 1 on any difference, 0 with a
 * skip message when the corpus or evtxexport is missing.
 *
 * Normalization: none beyond decoding XML entities and ignoring indentation; `toXml` is meant to
 * print values exactly as libevtx does (GUIDs in braces, hex padded to 8/16 digits, FILETIME with
 * nine fraction digits). evtxexport's default mode exports allocated records only, so the
 * "recovered" records it can carve from slack space never enter the comparison.
 *
 * libevtx 20181227 gets some inputs wrong that this corpus does not contain, so no normalization
 * exists for them and `toXml` prints the correct value instead: negative signed integers (printed
 * as sign and magnitude of the raw bits, -5 as -123), character references, EvtHandle/EvtXml values
 * and SID/bool/binary arrays (record rejected), Null values of non-optional substitutions (record
 * rejected), child elements after text in mixed content (dropped).
 */
// Unlike the library around it, this script runs a child process (the reference tool); the lint
// zones exempt conformance.ts for that reason.
import { execFile, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { join, relative } from 'node:path';
import { pathToFileURL } from 'node:url';
import { CORPORA } from '../../core/corpora.js';
import { listEvtxFiles } from './files.js';
import { readEvtx, toXml } from './reader.js';
import { xmlRecords, type XmlField } from './xmlfields.js';

export interface ConformanceResult {
  skipped?: string;
  files: number;
  records: number;
  countMismatches: string[];
  fieldMismatches: string[];
}

const MAX_LISTED = 50;


function evtxexport(file: string): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile('evtxexport', ['-f', 'xml', file], { maxBuffer: 1 << 30, encoding: 'utf8' }, (err, stdout) => {
      if (err) reject(err);
      else resolve(stdout);
    });
  });
}

function compareFields(ours: XmlField[], theirs: XmlField[], where: string, out: string[]): void {
  const a = new Map(ours.map((f) => [f.path, f.value]));
  const b = new Map(theirs.map((f) => [f.path, f.value]));
  for (const [path, value] of b) {
    if (!a.has(path)) out.push(`${where} ${path}: missing (libevtx: ${JSON.stringify(value).slice(0, 120)})`);
    else if (a.get(path) !== value) out.push(`${where} ${path}: ${JSON.stringify(a.get(path)).slice(0, 120)} != libevtx ${JSON.stringify(value).slice(0, 120)}`);
  }
  for (const [path, value] of a) {
    if (!b.has(path)) out.push(`${where} ${path}: extra (ours: ${JSON.stringify(value).slice(0, 120)})`);
  }
}

async function checkFile(corpus: string, file: string, expected: number | undefined, result: ConformanceResult): Promise<void> {
  const rel = relative(corpus, file);
  const reference = xmlRecords((await evtxexport(file)).replace(/^evtxexport[^\n]*\n/, ''));
  let index = 0;
  const issues: string[] = [];
  for await (const record of readEvtx(file, { onIssue: (i) => i.severity === 'error' && issues.push(i.describe()) })) {
    const where = `${rel} record ${String(record.recordId)}:`;
    const theirs = reference[index++];
    if (theirs) compareFields(xmlRecords(toXml(record))[0] ?? [], theirs, where, result.fieldMismatches);
  }
  result.records += index;
  if (expected !== undefined && index !== expected) result.countMismatches.push(`${rel}: ${index} records, RECORD_COUNTS.tsv says ${expected}`);
  if (index !== reference.length) result.countMismatches.push(`${rel}: ${index} records, evtxexport printed ${reference.length}`);
  for (const issue of issues) result.countMismatches.push(`${rel}: reader error: ${issue}`);
}

export async function runConformance(corpus: string): Promise<ConformanceResult> {
  const result: ConformanceResult = { files: 0, records: 0, countMismatches: [], fieldMismatches: [] };
  if (!existsSync(corpus)) return { ...result, skipped: `corpus ${corpus} not found` };
  if (spawnSync('evtxexport', ['-h'], { stdio: 'ignore' }).error) {
    return { ...result, skipped: 'evtxexport not installed (apt-get install libevtx-utils)' };
  }
  const counts = new Map<string, number>();
  const tsv = join(corpus, 'RECORD_COUNTS.tsv');
  if (existsSync(tsv)) {
    for (const line of readFileSync(tsv, 'utf8').split('\n')) {
      const [path, count] = line.split('\t');
      if (path && count) counts.set(path, Number(count));
    }
  }
  const files = listEvtxFiles(corpus);
  result.files = files.length;
  for (const path of counts.keys()) {
    if (!existsSync(join(corpus, path))) result.countMismatches.push(`${path}: listed in RECORD_COUNTS.tsv but missing`);
  }
  // evtxexport runs in parallel child processes; our side is cheap in comparison.
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < files.length) {
      const file = files[next++]!;
      await checkFile(corpus, file, counts.get(relative(corpus, file)), result);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(8, cpus().length)) }, worker));
  return result;
}

function printList(title: string, items: string[]): void {
  if (items.length === 0) return;
  console.log(`${title} (${items.length}):`);
  for (const item of items.slice(0, MAX_LISTED)) console.log(`  ${item}`);
  if (items.length > MAX_LISTED) console.log(`  ... and ${items.length - MAX_LISTED} more`);
}

async function main(): Promise<number> {
  const corpus = process.argv[2] ?? join(CORPORA, 'evtx');
  const result = await runConformance(corpus);
  if (result.skipped) {
    console.log(`evtx conformance: SKIPPED (${result.skipped})`);
    return 0;
  }
  printList('count mismatches', result.countMismatches);
  printList('field mismatches (file record: path)', result.fieldMismatches);
  const failed = result.countMismatches.length + result.fieldMismatches.length > 0;
  console.log(
    `evtx conformance vs evtxexport: ${result.files} files, ${result.records} records, ` +
      `${result.countMismatches.length} count mismatches, ${result.fieldMismatches.length} field mismatches: ${failed ? 'FAIL' : 'OK'}`,
  );
  return failed ? 1 : 0;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main().then(
    (code) => process.exit(code),
    (err: unknown) => {
      console.error(err);
      process.exit(1);
    },
  );
}
