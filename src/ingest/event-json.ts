import { hasDuplicateKeys } from '../formats/json/duplicate-keys.js';
import type { NormalizedEvent, ProfileInput } from '../formats/profiles/types.js';
import type { EventJson } from '../storage/ports.js';

/** The text an event's original was parsed from, when the receiver kept it and the event is that whole document. */
export function sentText(n: NormalizedEvent, input?: ProfileInput): string | undefined {
  return input?.kind === 'json' && input.json !== undefined && n.original === input.value ? input.json : undefined;
}

export interface SerializedEvent {
  json: EventJson | undefined;
  /**
   * The text as sent, when it repeats a key and so could not be the stored JSON: kept as the event's
   * original text, so nothing the sender wrote is lost.
   */
  repeatsKeys?: string;
}

/**
 * An event's JSON text, made once here: the store writes these strings and detection posts them to its
 * worker. The text as sent is the original's JSON when it has no repeated key (JSON.parse of it gives the
 * same object). Text that repeats a key is serialized again instead, so detection (JSON.parse keeps the
 * last value) and hunting (SQLite's json_extract reads the first) see the same value; the text as sent is
 * then kept beside it. Events a profile split out of one document (CloudTrail `Records`) are serialized.
 * What cannot be serialized is left to the store, whose transaction then fails as before.
 */
export function serializeEvent(n: NormalizedEvent, input?: ProfileInput): SerializedEvent {
  const sent = sentText(n, input);
  const repeats = sent !== undefined && hasDuplicateKeys(sent, n.original);
  try {
    const original = sent !== undefined && !repeats ? sent : JSON.stringify(n.original);
    const json = { core: JSON.stringify(n.core), logsource: JSON.stringify(n.logsource), original };
    return repeats ? { json, repeatsKeys: sent } : { json };
  } catch {
    return { json: undefined };
  }
}
