import type { Alert, AlertStore } from '../storage/ports.js';
import type { DetectedAlert, StageEvent } from './types.js';

export const DEFAULT_GROUP_WINDOW_MS = 10 * 60_000;

/**
 * Runs before an occurrence is written: returns the part to alert (all of it, some of its events, or
 * null for none). What it holds back it records itself, in the same transaction (suppressed and excepted
 * matches are kept and counted, never lost). `eventOf` gives the batch's events by id.
 */
export type AlertFilter = (d: DetectedAlert, eventOf: (id: number) => StageEvent | undefined, at: number) => DetectedAlert | null;

export interface WrittenAlert {
  alert: Alert;
  /** False when the occurrence was counted on an open alert of the same rule and group key. */
  created: boolean;
}

/**
 * Records one occurrence at ingest time `at`: one more count on the newest open alert of the same rule
 * and group key seen within `windowMs`, else a new alert. Grouping uses ingest time, so replayed old
 * events still group with each other.
 */
export function writeAlert(store: AlertStore, d: DetectedAlert, at: number, windowMs: number): WrittenAlert {
  const open = store.findGroupable(d.ruleId, d.groupKey, at - windowMs);
  if (open) {
    const alert = store.increment(open.id, at, d.eventIds, d.count);
    if (alert) return { alert, created: false };
  }
  const alert = store.insert({
    ruleId: d.ruleId,
    title: d.title,
    level: d.level,
    tags: d.tags,
    author: d.author,
    eventId: d.eventIds[0]!,
    eventIds: d.eventIds,
    hostName: d.hostName,
    userName: d.userName,
    fields: d.fields,
    kind: d.kind,
    groupKey: d.groupKey,
    group: d.group,
    count: d.count,
    at,
  });
  return { alert, created: true };
}
