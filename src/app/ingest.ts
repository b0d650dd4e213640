/**
 * The simplest IngestSink: normalize, store in one transaction, detect, all in the caller's turn.
 * No queue, so it is never congested; the pipeline in src/ingest replaces it for `vigil serve`.
 */
import { errorMessage } from '../core/errors.js';
import type { Detector } from '../detect/detector.js';
import { normalize } from '../formats/profiles/registry.js';
import type { IngestOutcome, IngestSink } from '../ingest/types.js';
import type { NewEvent, Stores } from '../storage/ports.js';

export function createIngest(
  stores: Stores,
  detector: Detector,
  onDetectError: (err: unknown) => void = () => {},
  clock: () => number = Date.now,
): IngestSink {
  const dropped = new Map<string, number>();
  return {
    congested: false,
    onDrain: (fn) => fn(),
    countDropped: (source, n) => { dropped.set(source, (dropped.get(source) ?? 0) + n); },
    submit: (inputs, info) => {
      const outcomes: IngestOutcome[] = [];
      const batch: NewEvent[] = [];
      const owners: number[] = [];
      inputs.forEach((input, i) => {
        try {
          const normalized = normalize(input, info.profile);
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
      let ids: number[];
      try {
        ids = stores.events.append(batch, now);
      } catch (err) {
        return Promise.reject(err instanceof Error ? err : new Error(String(err)));
      }
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
      return Promise.resolve(outcomes);
    },
  };
}
