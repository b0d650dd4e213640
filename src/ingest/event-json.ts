import type { NormalizedEvent } from '../formats/profiles/types.js';
import type { EventJson } from '../storage/ports.js';

/**
 * An event's JSON text, made once here: the store writes these strings and detection posts them to
 * its worker. What cannot be serialized is left to the store, whose transaction then fails as before.
 */
export function serializeEvent(n: NormalizedEvent): EventJson | undefined {
  try {
    return { core: JSON.stringify(n.core), logsource: JSON.stringify(n.logsource), original: JSON.stringify(n.original) };
  } catch {
    return undefined;
  }
}
