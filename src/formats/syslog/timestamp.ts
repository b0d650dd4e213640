import { VigilError } from '../../core/errors.js';

/** A parsed syslog timestamp: the instant plus the text it was read from, kept for audit. */
export interface SyslogTimestamp {
  epochMs: number;
  original: string;
}

/** Converts a wall-clock time (its fields packed as if it were UTC) to an instant in some zone. */
export type ZoneResolver = (wallAsUtcMs: number) => number;

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const DAY_MS = 86_400_000;

const zoneCache = new Map<string, ZoneResolver>();
const ZONE_CACHE_MAX = 64;

/**
 * Resolves `UTC`, a fixed offset (`+02:00`, `-0200`) or an IANA name (`Europe/Paris`). IANA zones go
 * through Intl so daylight-saving transitions are right for local-time RFC 3164 logs.
 */
export function zoneResolver(timeZone: string): ZoneResolver {
  const cached = zoneCache.get(timeZone);
  if (cached) return cached;
  const resolver = buildZoneResolver(timeZone);
  if (zoneCache.size >= ZONE_CACHE_MAX) zoneCache.clear();
  zoneCache.set(timeZone, resolver);
  return resolver;
}

function buildZoneResolver(timeZone: string): ZoneResolver {
  if (timeZone === 'UTC' || timeZone === 'Z' || timeZone === 'Etc/UTC') return (wall) => wall;
  const fixed = parseOffset(timeZone, 0);
  if (fixed && fixed.end === timeZone.length) return (wall) => wall - fixed.minutes * 60_000;
  let fmt: Intl.DateTimeFormat;
  try {
    fmt = new Intl.DateTimeFormat('en-US', {
      timeZone, hourCycle: 'h23', year: 'numeric', month: 'numeric', day: 'numeric',
      hour: 'numeric', minute: 'numeric', second: 'numeric',
    });
  } catch (err) {
    throw new VigilError('SYSLOG_BAD_TIMEZONE', `unknown time zone "${timeZone}" (use UTC, an offset like +02:00, or an IANA name)`, { field: 'timeZone' }, { cause: err });
  }
  const offsetAt = (epoch: number): number => {
    const p: Record<string, number> = {};
    for (const part of fmt.formatToParts(epoch)) if (part.type !== 'literal') p[part.type] = Number(part.value);
    const asUtc = Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute, p.second);
    return asUtc - Math.floor(epoch / 1000) * 1000;
  };
  // Two passes settle the offset on either side of a DST transition.
  return (wall) => {
    const first = wall - offsetAt(wall);
    return wall - offsetAt(first);
  };
}

/** Reads `Z`, `+hh:mm`, `+hhmm` or `+hh` at `pos`; minutes east of UTC. */
export function parseOffset(s: string, pos: number): { minutes: number; end: number } | undefined {
  const c = s[pos];
  if (c === 'Z' || c === 'z') return { minutes: 0, end: pos + 1 };
  if (c !== '+' && c !== '-') return undefined;
  const hh = digits(s, pos + 1, 2);
  if (hh === undefined || hh > 23) return undefined;
  let end = pos + 3;
  let mm = 0;
  if (s[end] === ':') {
    const m = digits(s, end + 1, 2);
    if (m === undefined) return undefined;
    mm = m;
    end += 3;
  } else {
    const m = digits(s, end, 2);
    if (m !== undefined) {
      mm = m;
      end += 2;
    }
  }
  if (mm > 59) return undefined;
  const minutes = hh * 60 + mm;
  return { minutes: c === '-' ? -minutes : minutes, end };
}

function digits(s: string, pos: number, n: number): number | undefined {
  if (pos + n > s.length) return undefined;
  let v = 0;
  for (let i = pos; i < pos + n; i++) {
    const d = s.charCodeAt(i) - 48;
    if (d < 0 || d > 9) return undefined;
    v = v * 10 + d;
  }
  return v;
}

const MONTH_DAYS = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/** Days in `month` (1-12) of `year`, as Date.UTC counts them (it reads years 0-99 as 1900-1999). */
export function daysInMonth(year: number, month: number): number {
  if (month !== 2) return MONTH_DAYS[month - 1]!;
  const y = year >= 0 && year <= 99 ? 1900 + year : year;
  return (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0 ? 29 : 28;
}

function isDigit(s: string, i: number): boolean {
  const c = s.charCodeAt(i);
  return c >= 48 && c <= 57;
}

/** Result of a timestamp scan: the instant and where the timestamp text ended, or why it failed. */
export type ScanResult = { ok: true; epochMs: number; end: number; zoned: boolean } | { ok: false; reason: string; at: number };

/** Reads fractional seconds `.ddd...` at pos; milliseconds (extra digits truncated) and the end. */
function scanFraction(s: string, pos: number): { ms: number; end: number } {
  if (s[pos] !== '.' || !isDigit(s, pos + 1)) return { ms: 0, end: pos };
  let end = pos + 1;
  let ms = 0;
  let n = 0;
  while (end < s.length && isDigit(s, end)) {
    if (n < 3) ms = ms * 10 + (s.charCodeAt(end) - 48);
    n++;
    end++;
  }
  while (n < 3) {
    ms *= 10;
    n++;
  }
  return { ms, end };
}

/**
 * Scans an RFC 3339 / ISO 8601 date-time (`2003-10-11T22:14:15.003Z`, `+0400` and offset-less forms
 * too). Without an offset the wall time is read in `zone`.
 */
export function scanIsoTimestamp(s: string, pos: number, zone: ZoneResolver): ScanResult {
  const year = digits(s, pos, 4);
  if (year === undefined || s[pos + 4] !== '-') return { ok: false, reason: 'expected YYYY-MM-DD', at: pos };
  const month = digits(s, pos + 5, 2);
  if (month === undefined || month < 1 || month > 12 || s[pos + 7] !== '-') return { ok: false, reason: 'bad month', at: pos + 5 };
  const day = digits(s, pos + 8, 2);
  if (day === undefined || day < 1 || day > daysInMonth(year, month)) return { ok: false, reason: 'bad day', at: pos + 8 };
  const t = s[pos + 10];
  if (t !== 'T' && t !== 't') return { ok: false, reason: "expected 'T' between date and time", at: pos + 10 };
  const time = scanClock(s, pos + 11);
  if (!time.ok) return time;
  const frac = scanFraction(s, time.end);
  let end = frac.end;
  const wall = Date.UTC(year, month - 1, day, time.h, time.m, time.s, frac.ms);
  const offset = parseOffset(s, end);
  if (offset) {
    end = offset.end;
    return { ok: true, epochMs: wall - offset.minutes * 60_000, end, zoned: true };
  }
  return { ok: true, epochMs: zone(wall), end, zoned: false };
}

function scanClock(s: string, pos: number): { ok: true; h: number; m: number; s: number; end: number } | { ok: false; reason: string; at: number } {
  const h = digits(s, pos, 2);
  const m = digits(s, pos + 3, 2);
  const sec = digits(s, pos + 6, 2);
  if (h === undefined || m === undefined || sec === undefined || s[pos + 2] !== ':' || s[pos + 5] !== ':') {
    return { ok: false, reason: 'expected hh:mm:ss', at: pos };
  }
  if (h > 23 || m > 59 || sec > 60) return { ok: false, reason: 'time out of range', at: pos };
  return { ok: true, h, m, s: Math.min(sec, 59), end: pos + 8 };
}

/** Options for the year a year-less RFC 3164 timestamp belongs to. */
export interface YearInference {
  now: number;
  /** How far ahead of `now` a timestamp may be (sender clock skew, zone mistakes) before it is taken as last year's. */
  maxFutureMs: number;
}

/**
 * Scans a BSD timestamp `Mmm dd hh:mm:ss` (day space-padded or not, optional fraction). The year is
 * the latest of next/this/last year that is not beyond now + maxFutureMs, which handles the
 * December -> January rollover in both directions.
 */
export function scanBsdTimestamp(s: string, pos: number, zone: ZoneResolver, years: YearInference): ScanResult {
  const month = MONTHS.indexOf(s.slice(pos, pos + 3));
  if (month < 0 || s[pos + 3] !== ' ') return { ok: false, reason: 'expected a month name', at: pos };
  let p = pos + 4;
  if (s[p] === ' ') p++;
  let day = 0;
  const dayStart = p;
  while (p < s.length && isDigit(s, p) && p - dayStart < 2) day = day * 10 + (s.charCodeAt(p++) - 48);
  if (p === dayStart || day < 1 || day > 31 || s[p] !== ' ') return { ok: false, reason: 'bad day of month', at: dayStart };
  const time = scanClock(s, p + 1);
  if (!time.ok) return time;
  const frac = scanFraction(s, time.end);
  const thisYear = new Date(years.now).getUTCFullYear();
  for (const year of [thisYear + 1, thisYear, thisYear - 1]) {
    if (day > daysInMonth(year, month + 1)) continue;
    const epochMs = zone(Date.UTC(year, month, day, time.h, time.m, time.s, frac.ms));
    if (epochMs <= years.now + years.maxFutureMs) return { ok: true, epochMs, end: frac.end, zoned: false };
  }
  // Only Feb 29 can get here (no leap year in range); fall back to the nearest leap year before.
  let year = thisYear - 2;
  while (daysInMonth(year, month + 1) < day) year--;
  return { ok: true, epochMs: zone(Date.UTC(year, month, day, time.h, time.m, time.s, frac.ms)), end: frac.end, zoned: false };
}

export const DEFAULT_MAX_FUTURE_MS = DAY_MS;
