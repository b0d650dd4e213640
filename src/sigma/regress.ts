import { readFileSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { parse as parseYaml } from 'yaml';
import type { EventObject } from '../core/event.js';
import { errorMessage } from '../core/errors.js';
import type { SigmaEngine } from './engine/engine.js';

/** One SigmaHQ regression case: a rule id, its sample events and how many records must match. */
export interface RegressionCase {
  dir: string;
  name: string;
  ruleId: string;
  ruleTitle?: string;
  matchCount?: number;
}

export interface RegressionResult {
  cases: number;
  passed: number;
  failed: { case: string; rule: string; expected: number | string; got: number; reason?: string }[];
  /** Cases that matched more records than match_count (the reference runner warns and passes). */
  warnings: { case: string; rule: string; expected: number; got: number }[];
  skipped: { case: string; reason: string }[];
}

/** Reads a case's events; returns undefined when the case has no readable sample. */
export type CaseEventReader = (c: RegressionCase) => EventObject[] | undefined;

/** Finds every `info.yml` case under `dir` (format: SigmaHQ regression_data). */
export function findRegressionCases(dir: string): { cases: RegressionCase[]; skipped: RegressionResult['skipped'] } {
  const cases: RegressionCase[] = [];
  const skipped: RegressionResult['skipped'] = [];
  const walk = (d: string) => {
    for (const entry of readdirSync(d).sort()) {
      const p = join(d, entry);
      if (statSync(p).isDirectory()) walk(p);
      else if (entry === 'info.yml') {
        const name = relative(dir, dirname(p)) || '.';
        let info: Record<string, unknown>;
        try {
          info = parseYaml(readFileSync(p, 'utf8')) as Record<string, unknown>;
        } catch (err) {
          skipped.push({ case: name, reason: `info.yml does not parse: ${errorMessage(err)}` });
          continue;
        }
        const meta = (info['rule_metadata'] as { id?: string; title?: string }[] | undefined)?.[0];
        const tests = info['regression_tests_info'] as { match_count?: number }[] | undefined;
        if (!meta?.id) {
          skipped.push({ case: name, reason: 'info.yml names no rule id' });
          continue;
        }
        if (!tests || tests.length === 0) {
          skipped.push({ case: name, reason: 'no regression test in info.yml' });
          continue;
        }
        cases.push({ dir: dirname(p), name, ruleId: meta.id, ruleTitle: meta.title, matchCount: tests[0]!.match_count });
      }
    }
  };
  walk(dir);
  return { cases, skipped };
}

/**
 * Runs each case's rule over its records. With `strict`, a case passes only on exactly match_count
 * matches; otherwise more matches pass with a warning, as SigmaHQ's reference runner does.
 */
export function runRegression(engine: SigmaEngine, casesDir: string, readEvents: CaseEventReader, strict = false): RegressionResult {
  const { cases, skipped } = findRegressionCases(casesDir);
  const result: RegressionResult = { cases: cases.length, passed: 0, failed: [], warnings: [], skipped };
  for (const c of cases) {
    let events: EventObject[] | undefined;
    try {
      events = readEvents(c);
    } catch (err) {
      result.failed.push({ case: c.name, rule: c.ruleId, expected: c.matchCount ?? '>=1', got: 0, reason: errorMessage(err) });
      continue;
    }
    if (!events) {
      result.failed.push({ case: c.name, rule: c.ruleId, expected: c.matchCount ?? '>=1', got: 0, reason: 'no sample events found' });
      continue;
    }
    let got = 0;
    for (const e of events) if (engine.match(e).some((m) => m.rule.id === c.ruleId)) got++;
    const expected = c.matchCount;
    if (expected === undefined ? got >= 1 : strict ? got === expected : got >= expected) {
      result.passed++;
      if (expected !== undefined && got > expected) result.warnings.push({ case: c.name, rule: c.ruleId, expected, got });
    } else {
      result.failed.push({ case: c.name, rule: c.ruleId, expected: expected ?? '>=1', got });
    }
  }
  return result;
}

