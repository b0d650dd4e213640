import { existsSync, readFileSync } from 'node:fs';
import { parseEvtxBuffer } from '../../formats/evtx/index.js';
import { join } from 'node:path';
import type { Command } from 'commander';
import { VigilError } from '../../core/errors.js';
import type { EventObject } from '../../core/event.js';
import { loadRulesCached } from '../../sigma/loader/cache.js';
import { loadPipeline } from '../../sigma/pipeline/load.js';
import { SigmaEngine } from '../../sigma/engine/engine.js';
import { AutoEngine } from '../../sigma/engine/auto.js';
import type { RuleMatch } from '../../sigma/engine/types.js';
import { runRegression, type RegressionCase } from '../../sigma/regress.js';
import { readJsonEvents } from '../read-events.js';
import { parsePlaceholders } from './rules.js';
import { CorrelationEngine, type CorrelationAlert } from '../../sigma/correlation/index.js';
import { eventTimeMs } from '../../sigma/event-time.js';

const NO_RULE_CACHE = 'parse the rule YAML even when the parsed-rule cache is current (and do not write it)';

function loadOrFail(paths: string[], placeholders: Record<string, string[]>, ruleCache = true) {
  const set = loadRulesCached(paths, { placeholders }, { enabled: ruleCache });
  if (set.cache.warning) process.stderr.write(`vigil: ${set.cache.warning}\n`);
  for (const e of set.errors) process.stderr.write(`rule error: ${e.describe()}\n`);
  if (set.rules.length === 0) throw new VigilError('sigma.no_rules', `no rules loaded from ${paths.join(', ')}`);
  return set;
}

function caseEventsFromEvtx(c: RegressionCase): EventObject[] | undefined {
  const file = join(c.dir, c.ruleId + '.evtx');
  if (!existsSync(file)) return undefined;
  const { records } = parseEvtxBuffer(readFileSync(file), { file });
  return records.map((r) => r.event as EventObject);
}

function caseEvents(c: RegressionCase): EventObject[] | undefined {
  for (const ext of ['.json', '.jsoncls']) {
    const file = join(c.dir, c.ruleId + ext);
    if (existsSync(file)) {
      const events: EventObject[] = [];
      for (const e of readJsonEvents(file, (err) => { throw err; })) events.push(e.event);
      return events;
    }
  }
  return undefined;
}

export function registerSigmaCommands(program: Command): void {
  const sigma = program.command('sigma').description('run Sigma rules over events');
  sigma
    .command('regress')
    .description('run SigmaHQ-format regression cases (info.yml + sample records) and report pass/fail')
    .requiredOption('--rules <path>', 'rule folder or file (repeat for more)', collect, [])
    .requiredOption('--cases <dir>', 'folder of regression cases (SigmaHQ regression_data layout)')
    .option('--pipeline <name>', 'pipeline for the sample records', 'windows-evtx')
    .option('--source <kind>', 'sample records to read: json (the .json files) or evtx (the .evtx files)', 'json')
    .option('--strict', 'require exactly match_count matches (default: at least, warning on more, like the reference runner)')
    .option('--json', 'print {"cases","passed","failed":[{case,rule,expected,got}],"warnings","skipped"}')
    .option('--no-rule-cache', NO_RULE_CACHE)
    .action((opts: { rules: string[]; cases: string; pipeline: string; source: string; strict?: boolean; json?: boolean; ruleCache: boolean }) => {
      if (opts.source !== 'json' && opts.source !== 'evtx') throw new VigilError('input.invalid', `--source must be json or evtx, not '${opts.source}'`);
      if (!existsSync(opts.cases)) throw new VigilError('input.missing', `cases folder '${opts.cases}' does not exist`);
      const set = loadOrFail(opts.rules, {}, opts.ruleCache);
      const engine = SigmaEngine.compile(set.rules, loadPipeline(opts.pipeline));
      const result = runRegression(engine, opts.cases, opts.source === 'evtx' ? caseEventsFromEvtx : caseEvents, !!opts.strict);
      if (opts.json) process.stdout.write(JSON.stringify(result) + '\n');
      else {
        for (const f of result.failed) process.stdout.write(`FAIL ${f.case} rule ${f.rule}: expected ${f.expected}, got ${f.got}${f.reason ? ` (${f.reason})` : ''}\n`);
        for (const w of result.warnings) process.stdout.write(`warn ${w.case} rule ${w.rule}: expected ${w.expected}, got ${w.got} (more records match than the case lists)\n`);
        for (const s of result.skipped) process.stdout.write(`skip ${s.case}: ${s.reason}\n`);
        process.stdout.write(`${result.cases} cases, ${result.passed} passed, ${result.failed.length} failed, ${result.warnings.length} warnings, ${result.skipped.length} skipped\n`);
      }
      process.exitCode = result.failed.length > 0 ? 1 : 0;
    });

  sigma
    .command('match')
    .description('match events (JSON lines or concatenated JSON) against Sigma rules; matches out as JSON lines')
    .requiredOption('--rules <path>', 'rule folder or file (repeat for more)', collect, [])
    .option('--pipeline <name>', 'pipeline name or YAML file (default: chosen per event: windows-evtx, winlogbeat or generic)', 'auto')
    .option('--placeholder <name=value>', 'value for an |expand placeholder (repeat for more)', collect, [])
    .option('--include-correlation-only', 'also print matches of rules used only by correlations')
    .argument('<files...>', 'event files')
    .option('--no-rule-cache', NO_RULE_CACHE)
    .action((files: string[], opts: { rules: string[]; pipeline: string; placeholder?: string[]; includeCorrelationOnly?: boolean; ruleCache: boolean }) => {
      const set = loadOrFail(opts.rules, parsePlaceholders(opts.placeholder ?? []), opts.ruleCache);
      const compileErrors: VigilError[] = [];
      const engine = opts.pipeline === 'auto' ? new AutoEngine(set.rules, compileErrors) : SigmaEngine.compile(set.rules, loadPipeline(opts.pipeline), { errors: compileErrors });
      const correlations = new CorrelationEngine(set.rules);
      for (const e of correlations.errors) process.stderr.write(`correlation error: ${e.describe()}\n`);
      const printAlert = (a: CorrelationAlert) => {
        // Inner correlations of a chain feed the outer one, like base rules, unless they `generate`.
        if (!a.correlationOnly || opts.includeCorrelationOnly) process.stdout.write(JSON.stringify(correlationRecord(a)) + '\n');
      };
      let inputErrors = 0;
      let lastTime = 0;
      for (const file of files) {
        for (const { event, line } of readJsonEvents(file, (err) => {
          inputErrors++;
          process.stderr.write(`input error: ${err.describe()}\n`);
        })) {
          const time = eventTimeMs(event) ?? lastTime;
          lastTime = Math.max(lastTime, time);
          for (const m of engine.match(event)) {
            const alone = correlations.standalone(m) || opts.includeCorrelationOnly;
            if (alone) process.stdout.write(JSON.stringify(matchRecord(m, file, line)) + '\n');
            for (const a of correlations.process(m, time)) printAlert(a);
          }
        }
      }
      for (const a of correlations.flush()) printAlert(a);
      for (const e of compileErrors) process.stderr.write(`rule error: ${e.describe()}\n`);
      process.exitCode = inputErrors > 0 ? 1 : 0;
    });
}

/** Commander option parser for repeatable options. */
export function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

export function correlationRecord(a: CorrelationAlert) {
  return {
    correlation: true, rule_id: a.ruleId, title: a.title, level: a.level ?? null, tags: a.tags, author: a.author ?? null,
    type: a.correlationType, group: a.group, count: a.count, first_time: new Date(a.firstTime).toISOString(), last_time: new Date(a.lastTime).toISOString(),
    matched_rules: [...new Set(a.matches.map((m) => m.ruleId))],
  };
}

export function matchRecord(m: RuleMatch, file: string, line: number) {
  return { rule_id: m.ruleId, title: m.title, level: m.level ?? null, status: m.status ?? null, tags: m.tags, author: m.author ?? null, fields: m.fields, file, line };
}
