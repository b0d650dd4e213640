// Test support only (imported by *.test.ts): real rules, a real engine over generic JSON events, real matches.
import type { EventObject } from '../../../core/event.js';
import { SigmaEngine } from '../../engine/engine.js';
import type { RuleMatch } from '../../engine/types.js';
import { loadRulesFromText, type RuleSet } from '../../loader/load.js';
import { loadPipeline } from '../../pipeline/load.js';
import { CorrelationEngine } from '../engine.js';
import type { CorrelationAlert, CorrelationOptions } from '../types.js';

export const T0 = Date.parse('2024-03-01T12:00:00Z');
export const sec = (s: number): number => T0 + s * 1000;

export interface Harness {
  set: RuleSet;
  engine: SigmaEngine;
  corr: CorrelationEngine;
  /** Matches the event and feeds every match at `time`; returns the alerts and the matches. */
  send(event: EventObject, time: number): CorrelationAlert[];
  lastMatches: RuleMatch[];
}

export function harness(yaml: string, options?: CorrelationOptions): Harness {
  const set = loadRulesFromText(yaml, 'test.yml');
  if (set.errors.length > 0) throw new Error(`rule errors: ${set.errors.map((e) => e.describe()).join('; ')}`);
  const engine = SigmaEngine.compile(set.rules, loadPipeline('generic'));
  const corr = new CorrelationEngine(set.rules, options);
  const h: Harness = {
    set,
    engine,
    corr,
    lastMatches: [],
    send(event, time) {
      h.lastMatches = engine.match(event);
      return h.lastMatches.flatMap((m) => corr.process(m, time));
    },
  };
  return h;
}

/** A detection rule document matching `field: value`. */
export function baseRule(name: string, field: string, value: string | number, id?: string): string {
  return [
    `title: ${name} rule`,
    ...(id ? [`id: ${id}`] : []),
    `name: ${name}`,
    'author: Base Author',
    'logsource: {product: test}',
    'detection:',
    `  selection: {${field}: ${JSON.stringify(value)}}`,
    '  condition: selection',
  ].join('\n');
}

export const docs = (...parts: string[]): string => parts.join('\n---\n');
