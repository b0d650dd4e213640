/** The ingest pipeline: JSON objects -> source profile -> one committed batch -> detection. */
import { errorMessage } from '../core/errors.js';
import type { EventObject } from '../core/event.js';
import type { Detector } from '../detect/detector.js';
import { normalize } from '../formats/profiles/registry.js';
import type { IngestOutcome } from '../api/server.js';
import type { NewEvent, Stores } from '../storage/ports.js';

export function createIngest(
  stores: Stores,
  detector: Detector,
  onDetectError: (err: unknown) => void = () => {},
  clock: () => number = Date.now,
): (values: readonly EventObject[]) => IngestOutcome[] {
  return (values) => {
    const outcomes: IngestOutcome[] = [];
    const batch: NewEvent[] = [];
    const owners: number[] = [];
    values.forEach((value, i) => {
      try {
        const normalized = normalize({ kind: 'json', value });
        if (normalized.length === 0) {
          outcomes[i] = { ok: false, reason: 'no event in this document' };
          return;
        }
        outcomes[i] = { ok: true, ids: [] };
        for (const n of normalized) {
          batch.push({ core: n.core, logsource: n.logsource, original: n.original, profile: n.profile, originalText: n.originalText });
          owners.push(i);
        }
      } catch (err) {
        outcomes[i] = { ok: false, reason: errorMessage(err) };
      }
    });
    const now = clock();
    const ids = stores.events.append(batch, now);
    ids.forEach((id, k) => {
      const o = outcomes[owners[k]!];
      if (o?.ok) o.ids.push(id);
    });
    // Committed: now detect. A failure here must not turn the (durable) ingest into an error.
    try {
      stores.transaction(() => detector.process(batch.map((e, k) => ({ id: ids[k]!, core: e.core, logsource: e.logsource, original: e.original })), now));
    } catch (err) {
      onDetectError(err);
    }
    return outcomes;
  };
}
