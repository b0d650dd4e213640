import { createWriteStream, existsSync, statSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import type { Writable } from 'node:stream';
import type { Command } from 'commander';
import { VigilError } from '../../core/errors.js';
import { CorrelationEngine, loadPipeline, loadRuleSetBytes, type AnyRule, type CorrelationAlert, type RuleMatch, type SigmaRule } from '../../sigma/index.js';
import { csvLine } from '../hunt/csv.js';
import type { FileOutcome } from '../hunt/hunter.js';
import { runPool } from '../hunt/pool.js';
import { Progress } from '../hunt/progress.js';
import type { MatchItem } from '../hunt/protocol.js';
import { COLUMNS, alertRow, keepRow, parseLevel, parseTime, rowCells, rowJson, sortRows, type EventSource, type RowFilter, type TimelineRow } from '../hunt/rows.js';
import { findLogFiles } from '../hunt/scan.js';
import { HuntSummary } from '../hunt/summary.js';
import { renderTable } from '../hunt/table.js';
import { collect } from './sigma.js';

const DEFAULT_RULES = '../shared/corpora/sigma/rules';
const FORMATS = ['table', 'csv', 'jsonl'] as const;
type Format = (typeof FORMATS)[number];
const MAX_THREADS = 64;

interface HuntOptions {
  rules: string[];
  pipeline: string;
  minLevel?: string;
  from?: string;
  to?: string;
  format: string;
  output?: string;
  quiet?: boolean;
  threads?: string;
  /** false with --no-rule-cache. */
  ruleCache: boolean;
}

/** A match as collected from the workers, with the file it came from. */
interface Collected {
  fileIndex: number;
  item: MatchItem;
}

export function registerHuntCommands(program: Command): void {
  program
    .command('hunt')
    .description('offline timeline of Sigma detections over a folder of logs (.evtx, .json, .jsonl)')
    .argument('<paths...>', 'log files or folders (searched recursively)')
    .option('--rules <dir>', `rule folder or file (repeat for more; default ${DEFAULT_RULES} when it exists)`, collect, [])
    .option('--pipeline <name>', 'pipeline name or YAML file (default: chosen per event)', 'auto')
    .option('--min-level <level>', 'lowest rule level shown: informational, low, medium, high, critical')
    .option('--from <time>', 'only detections at or after this ISO 8601 time')
    .option('--to <time>', 'only detections at or before this ISO 8601 time')
    .option('--format <format>', 'table, csv or jsonl', 'table')
    .option('--output <file>', 'write the timeline to this file instead of stdout')
    .option('--threads <n>', `threads, each hunting whole files (default: one per ${BYTES_PER_THREAD / 1e6} MB of input, at most the available cores, ${availableParallelism()} here)`)
    .option('--no-rule-cache', 'parse the rule YAML even when the parsed-rule cache is current (and do not write it)')
    .option('--quiet', 'no progress and no summary on stderr (errors are still reported)')
    .action(async (paths: string[], opts: HuntOptions) => {
      process.exitCode = await hunt(paths, opts);
    });
}

/**
 * Every thread first decodes and compiles all rules (about a second of CPU for the SigmaHQ set),
 * which a second thread only earns back on this much input (measured in bench/hunt.ts).
 */
const BYTES_PER_THREAD = 64e6;

/** The default thread count for these files: 1 for small inputs, more as the input grows. */
export function threadsFor(files: string[]): number {
  let bytes = 0;
  for (const f of files) {
    try {
      bytes += statSync(f).size;
    } catch {
      // reported when the file is hunted
    }
  }
  return Math.max(1, Math.min(availableParallelism(), Math.ceil(bytes / BYTES_PER_THREAD)));
}

function parseThreads(value: string | undefined, files: string[]): number {
  if (value === undefined) return threadsFor(files);
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > MAX_THREADS) throw new VigilError('input.bad_threads', `--threads: '${value}' is not a whole number from 1 to ${MAX_THREADS}`);
  return n;
}

async function hunt(paths: string[], opts: HuntOptions): Promise<number> {
  const started = Date.now();
  const format = opts.format as Format;
  if (!FORMATS.includes(format)) throw new VigilError('input.bad_format', `unknown format '${opts.format}' (expected ${FORMATS.join(', ')})`);
  const filter: RowFilter = {
    minLevel: opts.minLevel === undefined ? undefined : parseLevel(opts.minLevel),
    fromMs: opts.from === undefined ? undefined : parseTime(opts.from, '--from'),
    toMs: opts.to === undefined ? undefined : parseTime(opts.to, '--to'),
  };
  const files = findLogFiles(paths);
  const threads = parseThreads(opts.threads, files);
  const rulePaths = rulePathsOf(opts.rules);
  // A bad pipeline name fails here, before any worker starts.
  if (opts.pipeline !== 'auto') loadPipeline(opts.pipeline);

  const summary = new HuntSummary();
  summary.files = files.length;
  const progress = new Progress(!!process.stderr.isTTY && !opts.quiet);
  const collected: Collected[] = [];
  const outcomes: (FileOutcome | undefined)[] = new Array(files.length);
  let filesDone = 0;
  let stubs: AnyRule[] = [];
  let correlations = new CorrelationEngine([]);
  // Parsed once here (or read from the rule cache) and handed to every worker as bytes.
  const loaded = loadRuleSetBytes(rulePaths, {}, { enabled: opts.ruleCache });
  if (loaded.cache.warning && !opts.quiet) process.stderr.write(`vigil: ${loaded.cache.warning}\n`);
  const { compileErrors } = await runPool(files, { threads, ruleBytes: loaded.bytes, ruleSet: loaded.set, pipeline: opts.pipeline }, {
    ready(count, errors, ruleStubs) {
      if (!opts.quiet) for (const e of errors) process.stderr.write(`rule error: ${e}\n`);
      if (count === 0) throw new VigilError('sigma.no_rules', `no rules loaded from ${rulePaths.join(', ')}`);
      if (ruleStubs) {
        stubs = ruleStubs as AnyRule[];
        correlations = new CorrelationEngine(stubs);
        if (!opts.quiet) for (const e of correlations.errors) process.stderr.write(`correlation error: ${e.describe()}\n`);
      }
    },
    matches(fileIndex, items, records) {
      for (const item of items) collected.push({ fileIndex, item });
      summary.records += records;
      progress.update(filesDone, files.length, summary.records, collected.length);
    },
    file(fileIndex, outcome) {
      filesDone++;
      outcomes[fileIndex] = outcome;
      const file = files[fileIndex]!;
      if (outcome.failure) {
        progress.done();
        process.stderr.write(outcome.failure.kind === 'no-events' ? `vigil: no readable events in ${file}\n` : `vigil: cannot read ${file}: ${outcome.failure.message}\n`);
      }
      progress.update(filesDone, files.length, summary.records, collected.length);
    },
  });
  progress.update(filesDone, files.length, summary.records, collected.length, true);
  progress.done();

  // Problems in file order, whatever order the threads finished in.
  let unreadable = 0;
  outcomes.forEach((o, i) => {
    for (const message of o?.issues ?? []) summary.error(files[i]!, message);
    if (o?.failure?.kind === 'unreadable') summary.error(files[i]!, o.failure.message);
    if (o?.failure) unreadable++;
  });

  const rows = correlate(collected, files, stubs, correlations);
  const kept = sortRows(rows.filter((r) => keepRow(r, filter)));
  for (const r of kept) summary.add(r);
  await writeRows(kept, format, opts.output);

  if (!opts.quiet) {
    for (const e of compileErrors) process.stderr.write(`rule error: ${e}\n`);
    process.stderr.write(summary.render(Date.now() - started));
  }
  return unreadable > 0 ? 1 : 0;
}

function rulePathsOf(paths: string[]): string[] {
  const rulePaths = paths.length > 0 ? paths : existsSync(DEFAULT_RULES) ? [DEFAULT_RULES] : [];
  if (rulePaths.length === 0) throw new VigilError('sigma.no_rules', `no rules given: pass --rules DIR (the default ${DEFAULT_RULES} does not exist)`);
  for (const p of rulePaths) if (!existsSync(p)) throw new VigilError('input.missing', `rules path '${p}' does not exist`, { file: p });
  return rulePaths;
}

/**
 * Puts the matches of all files in one time order (ties: file order, then order within the file,
 * so the result does not depend on how files were spread over threads), feeds the correlation
 * engine and returns the rows; matches used only by a correlation have no row, as in `sigma match`.
 */
function correlate(collected: Collected[], files: string[], stubs: AnyRule[], correlations: CorrelationEngine): TimelineRow[] {
  collected.sort((a, b) => (a.item.timeMs ?? Infinity) - (b.item.timeMs ?? Infinity) || a.fileIndex - b.fileIndex || a.item.seq - b.item.seq);
  const rows: TimelineRow[] = [];
  const sources = new WeakMap<object, EventSource>();
  const addAlerts = (alerts: CorrelationAlert[]) => {
    for (const a of alerts) {
      if (a.correlationOnly) continue;
      const last = a.matches[a.matches.length - 1];
      rows.push(alertRow(a, last ? sources.get(last.event) : undefined));
    }
  };
  let lastTime = 0;
  for (const { fileIndex, item } of collected) {
    const time = item.timeMs ?? lastTime;
    lastTime = Math.max(lastTime, time);
    if (item.row) rows.push(item.row);
    const c = item.corr;
    if (!c) continue;
    sources.set(c.event, { file: files[fileIndex]!, recordId: c.recordId });
    const match: RuleMatch = {
      ruleId: c.ruleId,
      title: c.title,
      tags: [],
      fields: [],
      correlationOnly: false,
      rule: stubs[c.rule] as SigmaRule,
      event: c.event,
      fieldValue: (field) => c.values.get(field),
    };
    addAlerts(correlations.process(match, time));
  }
  addAlerts(correlations.flush());
  return rows;
}

async function writeRows(rows: TimelineRow[], format: Format, output: string | undefined): Promise<void> {
  const out: Writable = output ? createWriteStream(output) : process.stdout;
  // One 'error' listener for the whole output (not one per awaited write): it records the failure
  // and wakes a write waiting for a 'drain' that will not come.
  let failed: Error | undefined;
  let wake: (() => void) | undefined;
  out.on('error', (err: Error) => {
    failed ??= err;
    wake?.();
  });
  const colour = !output && !!process.stdout.isTTY;
  const write = async (s: string): Promise<void> => {
    if (failed || out.write(s)) return;
    await new Promise<void>((resolve) => {
      const done = () => {
        out.off('drain', done);
        wake = undefined;
        resolve();
      };
      wake = done;
      out.once('drain', done);
    });
  };
  if (format === 'table') await write(renderTable(COLUMNS, rows.map(rowCells), { colour, levelColumn: COLUMNS.indexOf('Level') }));
  else if (format === 'csv') {
    await write(csvLine(COLUMNS));
    for (const r of rows) await write(csvLine(rowCells(r)));
  } else {
    for (const r of rows) await write(JSON.stringify(rowJson(r)) + '\n');
  }
  if (output) {
    if (!failed) {
      await new Promise<void>((resolve) => {
        wake = resolve;
        out.end(resolve);
      });
    }
    if (failed) throw new VigilError('output.unwritable', `cannot write ${output}: ${failed.message}`, { file: output });
  }
}
