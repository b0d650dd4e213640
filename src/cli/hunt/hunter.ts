import { errorMessage, type VigilError } from '../../core/errors.js';
import { AutoEngine, CorrelationEngine, SigmaEngine, eventTimeMs, loadPipeline, type AnyRule, type RuleMatch, type RuleSet } from '../../sigma/index.js';
import type { CorrelationInput, FileFailure, MatchItem } from './protocol.js';
import { matchRow } from './rows.js';
import { readLogFile } from './scan.js';

/** Matches sent per message: big enough to keep messaging cheap, small enough to stream. */
const BATCH = 500;

/** How reading one file went (its matches and record counts travel separately). */
export interface FileOutcome {
  issues: string[];
  failure?: FileFailure;
}

/**
 * One thread's share of a hunt: its own rule set and compiled engine, and file by file the
 * matches, each with its row when it is an alert of its own and its correlation input when a
 * correlation consumes it. Correlation itself runs over all files' matches in time order, in the
 * main thread.
 */
export class Hunter {
  readonly rules: AnyRule[];
  readonly loadErrors: VigilError[];
  readonly compileErrors: VigilError[] = [];
  private readonly engine: { match(event: Record<string, unknown>): RuleMatch[] };
  private readonly correlations: CorrelationEngine;
  private readonly ruleIndex = new Map<AnyRule, number>();
  private readonly correlationFields: string[];

  constructor(set: RuleSet, pipeline: string) {
    this.rules = set.rules;
    this.loadErrors = set.errors;
    this.rules.forEach((r, i) => this.ruleIndex.set(r, i));
    this.engine = pipeline === 'auto' ? new AutoEngine(this.rules, this.compileErrors) : SigmaEngine.compile(this.rules, loadPipeline(pipeline), { errors: this.compileErrors });
    this.correlations = new CorrelationEngine(this.rules);
    this.correlationFields = fieldsReadByCorrelations(this.rules);
  }

  /**
   * Hunts one file. `emit` gets the matches in batches (always whole events); records counts
   * the records read since the previous batch.
   */
  async huntFile(file: string, emit: (items: MatchItem[], records: number) => void): Promise<FileOutcome & { items: MatchItem[]; records: number }> {
    const issues: string[] = [];
    let items: MatchItem[] = [];
    let seq = 0;
    let events = 0;
    let sinceEmit = 0;
    let failure: FileFailure | undefined;
    try {
      for await (const item of readLogFile(file, (message) => issues.push(message))) {
        events++;
        sinceEmit++;
        const matches = this.engine.match(item.event);
        if (matches.length === 0) continue;
        let timeMs = eventTimeMs(item.event);
        if (timeMs === undefined && item.recordTime) timeMs = Date.parse(item.recordTime);
        if (timeMs !== undefined && !Number.isFinite(timeMs)) timeMs = undefined;
        const src = { file, recordId: item.recordId };
        for (const match of matches) {
          const out: MatchItem = { seq: seq++, timeMs };
          if (this.correlations.standalone(match)) out.row = matchRow(match, timeMs, src);
          if (this.correlations.consumes(match.rule)) out.corr = this.correlationInput(match, item.recordId);
          items.push(out);
        }
        if (items.length >= BATCH) {
          emit(items, sinceEmit);
          items = [];
          sinceEmit = 0;
        }
      }
      // Nothing but errors (an empty or foreign file): as unreadable as a failed open.
      if (events === 0 && issues.length > 0) failure = { kind: 'no-events' };
    } catch (err) {
      failure = { kind: 'unreadable', message: errorMessage(err) };
    }
    return { items, records: sinceEmit, issues, failure };
  }

  private correlationInput(match: RuleMatch, recordId: string | undefined): CorrelationInput {
    const values = new Map<string, unknown>();
    for (const f of this.correlationFields) {
      const v = match.fieldValue(f);
      if (v !== undefined) values.set(f, v);
    }
    return { rule: this.ruleIndex.get(match.rule) ?? -1, ruleId: match.ruleId, title: match.title, event: match.event, values, recordId };
  }
}

/** Every field name a correlation may read from a base-rule match: group-by, alias targets, value fields. */
export function fieldsReadByCorrelations(rules: AnyRule[]): string[] {
  const fields = new Set<string>();
  for (const r of rules) {
    if (r.type !== 'correlation') continue;
    for (const f of r.groupBy) fields.add(f);
    for (const mapping of Object.values(r.aliases)) for (const f of Object.values(mapping)) fields.add(f);
    for (const f of r.condition?.field?.split(',') ?? []) if (f.trim()) fields.add(f.trim());
  }
  return [...fields];
}

/**
 * The rule set as the main thread's correlation engine needs it: correlation rules whole, the
 * others without their detection (which only the matching engines use, and which is costly to copy).
 */
export function correlationStubs(rules: AnyRule[]): AnyRule[] | undefined {
  if (!rules.some((r) => r.type === 'correlation')) return undefined;
  return rules.map((r) => (r.type === 'correlation' ? r : { ...r, detection: { searches: new Map(), condition: { kind: 'and', items: [] } } }));
}
