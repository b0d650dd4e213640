/** Reads a field of a stored or in-flight event: the normalized ECS core first, else the original by dotted path. */
import type { EventObject } from '../core/event.js';
import { getPath } from '../core/fieldpath.js';

export interface TunableEvent {
  /** The ECS core (flat dotted keys). */
  core: object;
  original: EventObject;
}

/** The field's values as strings (arrays give one per element); empty when absent or null. */
export function fieldValues(event: TunableEvent, field: string): string[] {
  let v: unknown = Object.prototype.hasOwnProperty.call(event.core, field) ? (event.core as Record<string, unknown>)[field] : undefined;
  if (v === undefined) v = getPath(event.original, field);
  if (v === undefined || v === null) return [];
  const list = Array.isArray(v) ? v : [v];
  const out: string[] = [];
  for (const item of list) {
    if (item === null || item === undefined) continue;
    out.push(typeof item === 'object' ? JSON.stringify(item) : String(item));
  }
  return out;
}
