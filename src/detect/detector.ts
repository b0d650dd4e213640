/**
 * Streaming detection: each stored event goes through the Sigma engine; every match becomes an alert,
 * or one more occurrence of an open alert of the same rule and host seen within the grouping window.
 */
import type { EventObject, LogSource } from '../core/event.js';
import type { EcsCore } from '../formats/profiles/types.js';
import type { MatchOptions, RuleMatch } from '../sigma/engine/types.js';
import type { Alert, AlertStore } from '../storage/ports.js';

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

export interface DetectionOutcome {
  alert: Alert;
  /** False when the match was grouped into an existing alert. */
  created: boolean;
}

export const DEFAULT_GROUP_WINDOW_MS = 10 * 60_000;

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

  /**
   * Matches the events and records alerts, at ingest time `now` (grouping uses ingest time, so
   * replayed old events still group with each other). An event the engine throws on is counted and skipped.
   */
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
        out.push(this.record(m, event, now));
      }
    }
    return out;
  }

  stats(): { matched: number; failures: number } {
    return { matched: this.matched, failures: this.failures };
  }

  private record(m: RuleMatch, event: DetectableEvent, now: number): DetectionOutcome {
    const hostName = event.core['host.name'] ?? null;
    const open = this.alerts.findGroupable(m.ruleId, hostName, now - this.windowMs);
    if (open) {
      const alert = this.alerts.increment(open.id, now, event.id);
      if (alert) return { alert, created: false };
    }
    const alert = this.alerts.insert({
      ruleId: m.ruleId,
      title: m.title,
      level: m.level ?? null,
      tags: m.tags,
      author: m.author ?? null,
      eventId: event.id,
      hostName,
      userName: event.core['user.name'] ?? null,
      fields: m.fields.slice(0, 32),
      at: now,
    });
    return { alert, created: true };
  }
}
