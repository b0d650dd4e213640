import { queryError, QueryErrorCode } from './errors.js';

/** A half-open time window `[from, to)` in epoch milliseconds, applied to every hunt query. */
export interface TimeRange {
  from: number;
  to: number;
}

const UNIT_MS: Record<string, number> = {
  s: 1_000,
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
  w: 604_800_000,
};

export const DEFAULT_LOOKBACK_MS = 24 * UNIT_MS.h!;
const MAX_INTERVAL_MS = 366 * UNIT_MS.d!;

const RELATIVE = /^(?:now)?\s*([-+])\s*(\d{1,9})\s*([smhdw])$/i;
// ISO 8601 calendar date with optional time and offset; a bare date-time without an offset is read as UTC.
const ISO = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?(Z|[+-]\d{2}:?\d{2})?)?$/i;

/**
 * Reads `now`, a relative offset (`-24h`, `-15m`, `-7d`, `now-1h`, units s/m/h/d/w), an ISO 8601 time
 * (`2024-05-01`, `2024-05-01T10:00:00Z`, `2024-05-01T12:00:00+02:00`) or epoch milliseconds.
 */
export function parseTime(text: string | number, now: number, offset?: number): number {
  if (typeof text === 'number') {
    if (Number.isFinite(text)) return Math.trunc(text);
    throw queryError(QueryErrorCode.time, 'a time must be a finite number of epoch milliseconds', offset);
  }
  const trimmed = text.trim();
  if (/^now$/i.test(trimmed)) return now;
  if (/^-?\d{1,16}$/.test(trimmed)) return Number(trimmed);
  const relative = RELATIVE.exec(trimmed);
  if (relative) {
    const amount = Number(relative[2]) * UNIT_MS[relative[3]!.toLowerCase()]!;
    return relative[1] === '-' ? now - amount : now + amount;
  }
  const iso = ISO.exec(trimmed);
  if (iso) {
    const [, y, mo, d, h = '00', mi = '00', s = '00', frac = '', zone] = iso;
    const ms = frac.padEnd(3, '0').slice(0, 3);
    const tz = zone === undefined ? 'Z' : zone.toUpperCase() === 'Z' ? 'Z' : zone.length === 5 ? `${zone.slice(0, 3)}:${zone.slice(3)}` : zone;
    const value = Date.parse(`${y}-${mo}-${d}T${h}:${mi}:${s}.${ms}${tz}`);
    if (Number.isFinite(value) && isRealDate(Number(y), Number(mo), Number(d))) return value;
  }
  throw queryError(
    QueryErrorCode.time,
    "expected a time: 'now', a relative time like -24h or -15m, an ISO 8601 time or epoch milliseconds",
    offset,
  );
}

// Date.parse rolls 2024-02-31 over into March; a hunt window that silently moves is worse than an error.
function isRealDate(year: number, month: number, day: number): boolean {
  const date = new Date(Date.UTC(year, month - 1, day));
  return date.getUTCMonth() === month - 1 && date.getUTCDate() === day;
}

/** Resolves user-supplied bounds into a window; missing bounds default to the last 24 hours before `now`. */
export function resolveTimeRange(input: { from?: string | number; to?: string | number } = {}, now: number = Date.now()): TimeRange {
  const to = input.to === undefined ? now : parseTime(input.to, now);
  const from = input.from === undefined ? to - DEFAULT_LOOKBACK_MS : parseTime(input.from, now);
  if (from > to) throw queryError(QueryErrorCode.time, 'the time range starts after it ends');
  return { from, to };
}

/** A `timechart` bucket width: `30s`, `5m`, `1h`, `1d` (at most 366 days). */
export function parseInterval(text: string, offset?: number): number {
  const match = /^(\d{1,6})([smhd])$/i.exec(text);
  const ms = match ? Number(match[1]) * UNIT_MS[match[2]!.toLowerCase()]! : 0;
  if (ms <= 0 || ms > MAX_INTERVAL_MS) {
    throw queryError(QueryErrorCode.syntax, 'expected a bucket width such as 30s, 5m, 1h or 1d (at most 366d)', offset);
  }
  return ms;
}
