import { createWriteStream, existsSync } from 'node:fs';
import type { Writable } from 'node:stream';
import type { Command } from 'commander';
import { VigilError, errorMessage } from '../../core/errors.js';
import { AutoEngine, CorrelationEngine, SigmaEngine, eventTimeMs, loadPipeline, loadRules, type CorrelationAlert, type RuleMatch } from '../../sigma/index.js';
import { csvLine } from '../hunt/csv.js';
import { Progress } from '../hunt/progress.js';
import { COLUMNS, alertRow, keepRow, matchRow, parseLevel, parseTime, rowCells, rowJson, sortRows, type EventSource, type RowFilter, type TimelineRow } from '../hunt/rows.js';
import { findLogFiles, readLogFile } from '../hunt/scan.js';
import { HuntSummary } from '../hunt/summary.js';
import { renderTable } from '../hunt/table.js';
import { collect } from './sigma.js';

const DEFAULT_RULES = '../shared/corpora/sigma/rules';
const FORMATS = ['table', 'csv', 'jsonl'] as const;
type Format = (typeof FORMATS)[number];

interface HuntOptions {
  rules: string[];
  pipeline: string;
  minLevel?: string;
  from?: string;
  to?: string;
  format: string;
  output?: string;
  quiet?: boolean;
}

/** A base match waiting for the time-ordered correlation pass. */
interface Pending {
  match: RuleMatch;
  timeMs: number | undefined;
  src: EventSource;
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
    .option('--quiet', 'no progress and no summary on stderr (errors are still reported)')
    .action(async (paths: string[], opts: HuntOptions) => {
      process.exitCode = await hunt(paths, opts);
    });
}

async function hunt(paths: string[], opts: HuntOptions): Promise<number> {
  const format = opts.format as Format;
  if (!FORMATS.includes(format)) throw new VigilError('input.bad_format', `unknown format '${opts.format}' (expected ${FORMATS.join(', ')})`);
  const filter: RowFilter = {
    minLevel: opts.minLevel === undefined ? undefined : parseLevel(opts.minLevel),
    fromMs: opts.from === undefined ? undefined : parseTime(opts.from, '--from'),
    toMs: opts.to === undefined ? undefined : parseTime(opts.to, '--to'),
  };
  const files = findLogFiles(paths);
  const ruleSet = loadRuleSet(opts.rules, !!opts.quiet);
  const compileErrors: VigilError[] = [];
  const engine = opts.pipeline === 'auto' ? new AutoEngine(ruleSet, compileErrors) : SigmaEngine.compile(ruleSet, loadPipeline(opts.pipeline), { errors: compileErrors });
  const correlations = new CorrelationEngine(ruleSet);
  if (!opts.quiet) {
    for (const e of correlations.errors) process.stderr.write(`correlation error: ${e.describe()}\n`);
  }

  const started = Date.now();
  const summary = new HuntSummary();
  const progress = new Progress(!!process.stderr.isTTY && !opts.quiet);
  const pending: Pending[] = [];
  let unreadable = 0;
  for (const file of files) {
    summary.files++;
    let events = 0;
    let issues = 0;
    try {
      for await (const item of readLogFile(file, (message) => { issues++; summary.error(file, message); })) {
        events++;
        summary.records++;
        const matches = engine.match(item.event);
        if (matches.length > 0) {
          let timeMs = eventTimeMs(item.event);
          if (timeMs === undefined && item.recordTime) timeMs = Date.parse(item.recordTime);
          for (const match of matches) pending.push({ match, timeMs, src: { file, recordId: item.recordId } });
        }
        progress.update(summary.files, files.length, summary.records, pending.length);
      }
      // Nothing but errors (an empty or foreign file): as unreadable as a failed open.
      if (events === 0 && issues > 0) {
        unreadable++;
        progress.done();
        process.stderr.write(`vigil: no readable events in ${file}\n`);
      }
    } catch (err) {
      unreadable++;
      const message = errorMessage(err);
      summary.error(file, message);
      progress.done();
      process.stderr.write(`vigil: cannot read ${file}: ${message}\n`);
    }
  }
  progress.update(summary.files, files.length, summary.records, pending.length, true);
  progress.done();

  const rows = correlate(pending, correlations);
  const kept = sortRows(rows.filter((r) => keepRow(r, filter)));
  for (const r of kept) summary.add(r);
  await writeRows(kept, format, opts.output);

  if (!opts.quiet) {
    for (const e of compileErrors) process.stderr.write(`rule error: ${e.describe()}\n`);
    process.stderr.write(summary.render(Date.now() - started));
  }
  return unreadable > 0 ? 1 : 0;
}

function loadRuleSet(paths: string[], quiet: boolean) {
  const rulePaths = paths.length > 0 ? paths : existsSync(DEFAULT_RULES) ? [DEFAULT_RULES] : [];
  if (rulePaths.length === 0) throw new VigilError('sigma.no_rules', `no rules given: pass --rules DIR (the default ${DEFAULT_RULES} does not exist)`);
  for (const p of rulePaths) if (!existsSync(p)) throw new VigilError('input.missing', `rules path '${p}' does not exist`, { file: p });
  const set = loadRules(rulePaths, {});
  if (!quiet) for (const e of set.errors) process.stderr.write(`rule error: ${e.describe()}\n`);
  if (set.rules.length === 0) throw new VigilError('sigma.no_rules', `no rules loaded from ${rulePaths.join(', ')}`);
  return set.rules;
}

/**
 * Feeds the matches to the correlation engine in time order (files need not be in time order)
 * and turns them into rows; matches used only by a correlation stay out, as in `sigma match`.
 */
function correlate(pending: Pending[], correlations: CorrelationEngine): TimelineRow[] {
  pending.sort((a, b) => (a.timeMs ?? Infinity) - (b.timeMs ?? Infinity));
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
  for (const p of pending) {
    const time = p.timeMs ?? lastTime;
    lastTime = Math.max(lastTime, time);
    sources.set(p.match.event, p.src);
    if (correlations.standalone(p.match)) rows.push(matchRow(p.match, p.timeMs, p.src));
    addAlerts(correlations.process(p.match, time));
  }
  addAlerts(correlations.flush());
  return rows;
}

async function writeRows(rows: TimelineRow[], format: Format, output: string | undefined): Promise<void> {
  const out: Writable = output ? createWriteStream(output) : process.stdout;
  let failed: Error | undefined;
  if (output) out.on('error', (err) => { failed = err; });
  const colour = !output && !!process.stdout.isTTY;
  const write = (s: string) => (out.write(s) ? Promise.resolve() : new Promise<void>((resolve) => { out.once('drain', resolve); out.once('error', () => resolve()); }));
  if (format === 'table') await write(renderTable(COLUMNS, rows.map(rowCells), { colour, levelColumn: COLUMNS.indexOf('Level') }));
  else if (format === 'csv') {
    await write(csvLine(COLUMNS));
    for (const r of rows) await write(csvLine(rowCells(r)));
  } else {
    for (const r of rows) await write(JSON.stringify(rowJson(r)) + '\n');
  }
  if (output) {
    await new Promise<void>((resolve) => {
      if (failed) resolve();
      else {
        out.once('error', () => resolve());
        out.end(resolve);
      }
    });
    if (failed) throw new VigilError('output.unwritable', `cannot write ${output}: ${failed.message}`, { file: output });
  }
}
