import type Database from 'better-sqlite3';
import type { LogSource } from '../../core/event.js';
import type { EcsCore } from '../../formats/profiles/types.js';
import type { CompiledQuery } from '../../query/sql/compile.js';
import type { TimeRange } from '../../query/time.js';
import type { EventStore, NewEvent, ScanOptions, SearchResult, StoredEvent } from '../ports.js';

const DEFAULT_SCAN_BATCH = 1000;
const MAX_SCAN_BATCH = 10_000;

interface EventRow {
  id: number;
  ts: number;
  ingested: number;
  logsource: string;
  profile: string;
  core: string;
  raw: string;
}

const COLUMNS: ReadonlyArray<[keyof EcsCore, string]> = [
  ['event.code', 'event_code'], ['event.provider', 'event_provider'], ['event.dataset', 'event_dataset'],
  ['host.name', 'host_name'], ['user.name', 'user_name'], ['source.ip', 'source_ip'],
  ['destination.ip', 'destination_ip'], ['process.command_line', 'process_command_line'], ['message', 'message'],
];

/** Epoch ms of the event's `@timestamp`, or `fallback` when it has none or it does not parse. */
export function eventTime(core: EcsCore, fallback: number): number {
  const t = core['@timestamp'] ? Date.parse(core['@timestamp']) : NaN;
  return Number.isFinite(t) ? t : fallback;
}

/** Text for the free-text index: the message, else every string and number of the original event. */
export function fullText(event: NewEvent): string {
  if (event.core.message) return event.core.message;
  const parts: string[] = [];
  const walk = (v: unknown, depth: number): void => {
    if (depth > 32 || parts.length > 2000) return;
    if (typeof v === 'string') parts.push(v);
    else if (typeof v === 'number' || typeof v === 'boolean') parts.push(String(v));
    else if (Array.isArray(v)) for (const x of v) walk(x, depth + 1);
    else if (v && typeof v === 'object') for (const x of Object.values(v)) walk(x, depth + 1);
  };
  walk(event.original, 0);
  return parts.join(' ');
}

function text(v: unknown): string | null {
  if (v === undefined || v === null) return null;
  return typeof v === 'string' ? v : String(v);
}

export class SqliteEventStore implements EventStore {
  private readonly insertEvent: Database.Statement;
  private readonly insertFts: Database.Statement;
  private readonly selectOne: Database.Statement;
  private readonly selectPage: Database.Statement;
  private readonly selectIdBounds: Database.Statement;
  private readonly appendAll: (events: readonly NewEvent[], now: number) => number[];

  constructor(private readonly db: Database.Database) {
    const cols = COLUMNS.map(([, c]) => c);
    this.insertEvent = db.prepare(
      `INSERT INTO events (ts, ingested, ${cols.join(', ')}, logsource, profile, core, original_text, raw)
       VALUES (?, ?, ${cols.map(() => '?').join(', ')}, ?, ?, ?, ?, ?)`,
    );
    this.insertFts = db.prepare('INSERT INTO events_fts (rowid, message) VALUES (?, ?)');
    this.selectOne = db.prepare('SELECT id, ts, ingested, logsource, profile, core, raw FROM events WHERE id = ?');
    // `+ts` keeps SQLite on the rowid range: with the ts index it would sort the whole range per page.
    this.selectPage = db.prepare(
      'SELECT id, ts, ingested, logsource, profile, core, raw FROM events WHERE id > ? AND id <= ? AND +ts >= ? AND +ts < ? ORDER BY id LIMIT ?',
    );
    this.selectIdBounds = db.prepare('SELECT min(id) AS lo, max(id) AS hi FROM events WHERE ts >= ? AND ts < ?');
    this.appendAll = db.transaction((events: readonly NewEvent[], now: number): number[] => {
      const ids: number[] = [];
      for (const e of events) {
        const values = COLUMNS.map(([k]) => text(e.core[k]));
        const info = this.insertEvent.run(
          eventTime(e.core, now), now, ...values, JSON.stringify(e.logsource), e.profile,
          JSON.stringify(e.core), e.originalText ?? null, JSON.stringify(e.original),
        );
        const id = Number(info.lastInsertRowid);
        this.insertFts.run(id, fullText(e));
        ids.push(id);
      }
      return ids;
    });
  }

  append(events: readonly NewEvent[], now: number = Date.now()): number[] {
    if (events.length === 0) return [];
    return this.appendAll(events, now);
  }

  getEvent(id: number): StoredEvent | undefined {
    const row = this.selectOne.get(id) as EventRow | undefined;
    return row ? toStored(row) : undefined;
  }

  search(query: CompiledQuery): SearchResult {
    const rows = this.db.prepare(query.sql).all(...query.params) as Record<string, unknown>[];
    if (query.kind === 'rows') return { kind: 'rows', columns: query.columns ?? [], rows };
    return { kind: 'events', events: rows.map((r) => toStored(r as unknown as EventRow)) };
  }

  /**
   * Keyset paging on id between the range's first and last id (read once from the ts index): every
   * batch is its own short statement, so no read stays open across the caller's awaits and ingest keeps
   * writing meanwhile. Events appended after the scan started are not part of it.
   */
  *scan(range: TimeRange, options: ScanOptions = {}): Generator<StoredEvent[]> {
    const size = scanBatchSize(options);
    const bounds = this.selectIdBounds.get(range.from, range.to) as { lo: number | null; hi: number | null };
    if (bounds.lo === null || bounds.hi === null) return;
    let after = bounds.lo - 1;
    for (;;) {
      const rows = this.selectPage.all(after, bounds.hi, range.from, range.to, size) as EventRow[];
      if (rows.length === 0) return;
      after = rows[rows.length - 1]!.id;
      yield rows.map(toStored);
      if (rows.length < size) return;
    }
  }
}

function scanBatchSize(options: ScanOptions): number {
  const n = options.batchSize ?? DEFAULT_SCAN_BATCH;
  return Number.isInteger(n) && n >= 1 ? Math.min(n, MAX_SCAN_BATCH) : DEFAULT_SCAN_BATCH;
}

function toStored(row: EventRow): StoredEvent {
  return {
    id: row.id,
    ts: row.ts,
    ingested: row.ingested,
    logsource: JSON.parse(row.logsource) as LogSource,
    profile: row.profile,
    core: JSON.parse(row.core) as EcsCore,
    original: JSON.parse(row.raw) as Record<string, unknown>,
  };
}
