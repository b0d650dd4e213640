import type { EventObject } from '../core/event.js';
import { getPath } from '../core/fieldpath.js';

const TIME_PATHS = ['Event.System.TimeCreated.#attributes.SystemTime', '@timestamp', 'timestamp', 'time', 'eventTime', 'published', 'ts'];

/** The event's own time in epoch ms (evtx SystemTime, ECS @timestamp, common names), or undefined. */
export function eventTimeMs(event: EventObject): number | undefined {
  for (const path of TIME_PATHS) {
    const v = getPath(event, path);
    if (typeof v === 'number' && Number.isFinite(v)) return v < 1e11 ? v * 1000 : v;
    if (typeof v === 'string' && v.length <= 64) {
      const ms = Date.parse(v);
      if (Number.isFinite(ms)) return ms;
    }
  }
  return undefined;
}
