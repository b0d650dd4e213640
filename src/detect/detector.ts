/**
 * Synchronous detection on the calling thread: each stored event goes through the Sigma engine and
 * every match becomes an alert or one more occurrence of an open one (see writeAlert). DetectionStage
 * is the streaming, off-thread version with correlations; this stays for callers that want neither.
 */
import type { EventObject, LogSource } from '../core/event.js';
import type { EcsCore } from '../formats/profiles/types.js';
import type { MatchOptions, RuleMatch } from '../sigma/engine/types.js';
import type { AlertStore } from '../storage/ports.js';
import { DEFAULT_GROUP_WINDOW_MS, writeAlert, type WrittenAlert } from './alert-writer.js';
import { matchAlert } from './runtime.js';

/** What the detector needs of a rule engine (AutoEngine fits). */
export interface Matcher {
  match(event: EventObject, options?: MatchOptions): RuleMatch[];
}

/** An event as stored: its id plus what detection and grouping read. */
export interface DetectableEvent {
  id: number;
  core: EcsCore;
  logsource: LogSource;
  original: EventObject;
}

export interface DetectorOptions {
  /** Same rule + host within this many ms groups into one alert. Default 10 minutes. */
  groupWindowMs?: number;
  /** Also raise alerts for rules only used by correlations. Default false. */
  includeCorrelationOnly?: boolean;
}

export type DetectionOutcome = WrittenAlert;

export { DEFAULT_GROUP_WINDOW_MS };

export class Detector {
  private readonly windowMs: number;
  private matched = 0;
  private failures = 0;

  constructor(
    private readonly engine: Matcher,
    private readonly alerts: AlertStore,
    private readonly options: DetectorOptions = {},
  ) {
    this.windowMs = options.groupWindowMs ?? DEFAULT_GROUP_WINDOW_MS;
  }

  /** Matches the events and records alerts at ingest time `now`. An event the engine throws on is counted and skipped. */
  process(events: readonly DetectableEvent[], now: number = Date.now()): DetectionOutcome[] {
    const out: DetectionOutcome[] = [];
    for (const event of events) {
      let matches: RuleMatch[];
      try {
        matches = this.engine.match(event.original, { logsource: event.logsource });
      } catch {
        this.failures++;
        continue;
      }
      for (const m of matches) {
        if (m.correlationOnly && !this.options.includeCorrelationOnly) continue;
        this.matched++;
        out.push(writeAlert(this.alerts, matchAlert(m, event), now, this.windowMs));
      }
    }
    return out;
  }

  stats(): { matched: number; failures: number } {
    return { matched: this.matched, failures: this.failures };
  }
}
