/**
 * A case's timeline: the linked alerts' events (at event time), when each alert was raised, and every
 * analyst action (opening, status and owner changes, comments, observables, tasks), in time order.
 */
import type { Alert, CaseStore, StoredEvent } from '../storage/ports.js';

export interface TimelineEntry {
  /** Epoch ms. */
  at: number;
  /** 'event' and 'alert' come from detection; the rest are analyst actions (created, status, owner, comment, task, ...). */
  kind: string;
  /** Who acted; absent for detection entries. */
  actor?: string;
  summary: string;
  alertId?: number;
  eventId?: number;
}

export interface TimelineSources {
  store: Pick<CaseStore, 'alertLinks' | 'activity'>;
  alerts: { get(id: number): Alert | undefined };
  events?: { getEvent(id: number): StoredEvent | undefined };
}

/** Detection entries sort before analyst entries at the same instant: the event happened first. */
const KIND_ORDER: Record<string, number> = { event: 0, alert: 1 };

export function caseTimeline(caseId: number, src: TimelineSources): TimelineEntry[] {
  const entries: TimelineEntry[] = [];
  for (const link of src.store.alertLinks(caseId)) {
    const a = src.alerts.get(link.alertId);
    if (!a) {
      entries.push({ at: link.linked, kind: 'alert', summary: `Alert #${link.alertId} (no longer stored)`, alertId: link.alertId });
      continue;
    }
    const where = [a.hostName && `host ${a.hostName}`, a.userName && `user ${a.userName}`].filter(Boolean).join(', ');
    const first = src.events?.getEvent(a.eventId);
    entries.push({
      at: first?.ts ?? a.firstSeen, kind: 'event', alertId: a.id, eventId: a.eventId,
      summary: `Event matching '${a.title}'${where ? ` on ${where}` : ''}`,
    });
    if (a.lastEventId !== a.eventId) {
      const last = src.events?.getEvent(a.lastEventId);
      entries.push({
        at: last?.ts ?? a.lastSeen, kind: 'event', alertId: a.id, eventId: a.lastEventId,
        summary: `Last of ${a.count} events matching '${a.title}'`,
      });
    }
    entries.push({ at: a.firstSeen, kind: 'alert', alertId: a.id, summary: `Alert #${a.id} raised: ${a.title}${a.level ? ` (${a.level})` : ''}` });
  }
  for (const act of src.store.activity(caseId)) {
    entries.push({ at: act.at, kind: act.kind, actor: act.actor, summary: act.summary });
  }
  // Stable sort: entries of the same instant and rank keep insertion (= recording) order.
  return entries
    .map((e, i) => ({ e, i }))
    .sort((x, y) => x.e.at - y.e.at || (KIND_ORDER[x.e.kind] ?? 2) - (KIND_ORDER[y.e.kind] ?? 2) || x.i - y.i)
    .map((x) => x.e);
}
