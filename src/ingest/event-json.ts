import type { NormalizedEvent, ProfileInput } from '../formats/profiles/types.js';
import type { EventJson } from '../storage/ports.js';

/**
 * An event's JSON text, made once here: the store writes these strings and detection posts them to
 * its worker. When the event's original is the input object itself and the receiver kept the text it
 * was parsed from, that text is the original's JSON as is: JSON.parse of it gives the same object, and
 * a document sent with duplicate keys keeps them verbatim (as sent). JSON.parse (detection, reading an
 * event back) takes the last of duplicate keys; SQLite's json_extract, which hunt queries use on the
 * stored text, takes the first.
 * Events a profile split out of one document (CloudTrail `Records`) are serialized. What cannot be
 * serialized is left to the store, whose transaction then fails as before.
 */
export function serializeEvent(n: NormalizedEvent, input?: ProfileInput): EventJson | undefined {
  try {
    const original = input?.kind === 'json' && input.json !== undefined && n.original === input.value ? input.json : JSON.stringify(n.original);
    return { core: JSON.stringify(n.core), logsource: JSON.stringify(n.logsource), original };
  } catch {
    return undefined;
  }
}
