/**
 * Retrohunt: one Sigma rule over stored events of a time range. The scan reads the store a batch at a
 * time in id order and yields to the event loop between batches, so a long hunt never stalls ingest or
 * the API; it stops at a match limit, a scanned-events limit, a time budget, or when aborted.
 */
import { setImmediate as nextTurn } from 'node:timers/promises';
import { AutoEngine } from '../sigma/engine/auto.js';
import type { AnyRule, SigmaRule } from '../sigma/model/types.js';
import type { ScanOptions, StoredEvent } from '../storage/ports.js';
import type { Matcher } from './types.js';

/** Where the events come from: `EventStore.scan` fits. */
export interface EventScanSource {
  scan(range: { from: number; to: number }, options?: ScanOptions): Iterable<StoredEvent[]>;
}

export interface RetrohuntLimits {
  /** Most matching events returned; the hunt stops when it has this many. */
  maxMatches: number;
  /** Most events read; the hunt stops after this many. */
  maxScanned: number;
  /** Time budget in ms (wall clock, including the yields). */
  maxMillis: number;
  batchSize: number;
}

export const DEFAULT_RETROHUNT_LIMITS: Readonly<RetrohuntLimits> = Object.freeze({
  maxMatches: 1000,
  maxScanned: 10_000_000,
  maxMillis: 120_000,
  batchSize: 1000,
});

export interface RetrohuntOptions extends Partial<RetrohuntLimits> {
  /** Half-open `[from, to)` in epoch ms, on event time. */
  range: { from: number; to: number };
  signal?: AbortSignal;
  clock?: () => number;
}

export interface RetrohuntHit {
  id: number;
  /** Event time, epoch ms, and the same as ISO 8601. */
  ts: number;
  time: string;
  host: string | null;
  user: string | null;
  /** Fields of the rule's positive selections that matched, with the event's value. */
  fields: { field: string; value: string }[];
}

/** Why the scan ended: it read the whole range, or a limit stopped it (the range was not fully read). */
export type RetrohuntEnd = 'complete' | 'max-matches' | 'max-scanned' | 'max-millis' | 'aborted';

export interface RetrohuntResult {
  rule: { id: string; title: string; level: string | null };
  range: { from: number; to: number };
  scanned: number;
  matched: number;
  elapsedMs: number;
  end: RetrohuntEnd;
  /** The event id the scan reached; a follow-up can resume after it. */
  lastId: number | null;
  hits: RetrohuntHit[];
}

/**
 * The engine for one rule, with the filters (meta rules) that target it; the pipeline is chosen per
 * event from its shape, as live detection does.
 */
export function ruleEngine(rule: SigmaRule, catalog: readonly AnyRule[] = []): Matcher {
  const refs = [rule.id, rule.name].filter((x): x is string => !!x);
  const filters = catalog.filter((r) => r.type === 'filter' && r.rules.some((ref) => refs.includes(ref)));
  return new AutoEngine([rule, ...filters]);
}

export function resolveRetrohuntLimits(options: Partial<RetrohuntLimits>): RetrohuntLimits {
  const pick = (name: keyof RetrohuntLimits): number => {
    const v = options[name];
    return v !== undefined && Number.isFinite(v) && v >= 1 ? Math.floor(v) : DEFAULT_RETROHUNT_LIMITS[name];
  };
  return { maxMatches: pick('maxMatches'), maxScanned: pick('maxScanned'), maxMillis: pick('maxMillis'), batchSize: pick('batchSize') };
}

export async function retrohunt(rule: SigmaRule, engine: Matcher, source: EventScanSource, options: RetrohuntOptions): Promise<RetrohuntResult> {
  const limits = resolveRetrohuntLimits(options);
  const clock = options.clock ?? (() => performance.now());
  const started = clock();
  const ruleId = rule.id ?? rule.title;
  const hits: RetrohuntHit[] = [];
  let scanned = 0;
  let lastId: number | null = null;
  let end: RetrohuntEnd = 'complete';

  const batchSize = Math.min(limits.batchSize, limits.maxScanned);
  scan: for (const batch of source.scan(options.range, { batchSize })) {
    for (const event of batch) {
      if (scanned >= limits.maxScanned) { end = 'max-scanned'; break scan; }
      scanned++;
      lastId = event.id;
      let fields: RetrohuntHit['fields'] | undefined;
      try {
        fields = engine.match(event.original, { logsource: event.logsource }).find((m) => m.ruleId === ruleId)?.fields;
      } catch {
        // An event the engine cannot evaluate is no match, as in live detection.
      }
      if (fields) {
        hits.push(hit(event, fields));
        if (hits.length >= limits.maxMatches) { end = 'max-matches'; break scan; }
      }
    }
    if (options.signal?.aborted) { end = 'aborted'; break; }
    if (clock() - started >= limits.maxMillis) { end = 'max-millis'; break; }
    // Let ingest, the API and other hunts run before reading the next batch.
    await nextTurn();
    if (options.signal?.aborted) { end = 'aborted'; break; }
  }
  return {
    rule: { id: ruleId, title: rule.title, level: rule.level ?? null },
    range: options.range,
    scanned,
    matched: hits.length,
    elapsedMs: Math.round((clock() - started) * 10) / 10,
    end,
    lastId,
    hits,
  };
}

function hit(event: StoredEvent, fields: RetrohuntHit['fields']): RetrohuntHit {
  return {
    id: event.id,
    ts: event.ts,
    time: new Date(event.ts).toISOString(),
    host: event.core['host.name'] ?? null,
    user: event.core['user.name'] ?? null,
    fields,
  };
}
