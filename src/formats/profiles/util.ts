import { civilFromDays } from '../../core/civil.js';
import { VigilError } from '../../core/errors.js';
import type { EventObject } from '../../core/event.js';
import { daysInMonth, scanIsoTimestamp } from '../syslog/timestamp.js';
import type { EcsCore, EcsKey, ProfileInput } from './types.js';

export function isObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

/** Nested lookup by already-split path; undefined when any step is missing. */
export function pick(obj: unknown, ...path: string[]): unknown {
  let cur = obj;
  for (const key of path) {
    if (!isObject(cur)) return undefined;
    cur = cur[key];
  }
  return cur;
}

/** A non-empty string, numbers as their decimal text; `-` and `?` (common "no value" markers) are absent. */
export function str(v: unknown): string | undefined {
  if (typeof v === 'string') return v === '' || v === '-' || v === '?' ? undefined : v;
  if (typeof v === 'number' && Number.isFinite(v)) return String(v);
  return undefined;
}

/** An integer from a number, decimal text or `0x` hex text (Windows writes process ids as 0x11cc). */
export function int(v: unknown): number | undefined {
  if (typeof v === 'number') return Number.isSafeInteger(v) ? v : undefined;
  if (typeof v !== 'string' || v === '') return undefined;
  let n: number;
  if (v.startsWith('0x') || v.startsWith('0X')) n = isHex(v.slice(2)) ? parseInt(v.slice(2), 16) : NaN;
  else n = isDecimal(v) ? Number(v) : NaN;
  return Number.isSafeInteger(n) ? n : undefined;
}

function isDecimal(s: string): boolean {
  if (s.length === 0 || s.length > 16) return false;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 48 || c > 57) return false;
  }
  return true;
}

export function isHex(s: string): boolean {
  if (s.length === 0) return false;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (!((c >= 48 && c <= 57) || (c >= 65 && c <= 70) || (c >= 97 && c <= 102))) return false;
  }
  return true;
}

/** Four dot-separated decimals 0-255 of 1-3 digits without leading zeros, read in one pass. */
export function isIpv4(s: string): boolean {
  const n = s.length;
  let parts = 0;
  let i = 0;
  for (;;) {
    const start = i;
    let v = 0;
    for (; i < n; i++) {
      const c = s.charCodeAt(i);
      if (c < 48 || c > 57) break;
      v = v * 10 + (c - 48);
    }
    const len = i - start;
    if (len === 0 || len > 3 || v > 255 || (len > 1 && s.charCodeAt(start) === 48)) return false;
    parts++;
    if (i === n) return parts === 4;
    if (parts === 4 || s.charCodeAt(i) !== 46) return false;
    i++;
  }
}

function isIpv6(s: string): boolean {
  const zone = s.indexOf('%');
  const addr = zone >= 0 ? s.slice(0, zone) : s;
  if (addr.length < 2 || addr.length > 45) return false;
  const halves = addr.split('::');
  if (halves.length > 2) return false;
  const groups = halves.flatMap((h) => (h === '' ? [] : h.split(':')));
  let count = 0;
  for (let i = 0; i < groups.length; i++) {
    const g = groups[i];
    if (i === groups.length - 1 && g.includes('.')) {
      if (!isIpv4(g)) return false;
      count += 2;
    } else if (g.length >= 1 && g.length <= 4 && isHex(g)) {
      count += 1;
    } else {
      return false;
    }
  }
  return halves.length === 2 ? count < 8 : count === 8;
}

/** True for IPv4 dotted quads and IPv6 text forms (with optional zone); hand-written, no I/O modules. */
export function isIp(s: unknown): s is string {
  return typeof s === 'string' && (isIpv4(s) || (s.includes(':') && isIpv6(s)));
}

export function ip(v: unknown): string | undefined {
  return isIp(v) ? v : undefined;
}

/** Only valid TCP/UDP ports. */
export function port(v: unknown): number | undefined {
  const n = int(v);
  return n !== undefined && n >= 0 && n <= 65535 ? n : undefined;
}

/**
 * Epoch ms from ISO 8601 text (offset-less means UTC; a space instead of `T` is accepted, as in
 * Sysmon's UtcTime) or from epoch numbers (seconds, or milliseconds when too large for seconds).
 */
export function parseTime(v: unknown): number | undefined {
  if (typeof v === 'number') {
    if (!Number.isFinite(v) || v < 0) return undefined;
    // Truncate to ms like fractional ISO text; rounding to µs first absorbs binary float error.
    return v > 1e11 ? Math.floor(v) : Math.floor(Math.round(v * 1e6) / 1000);
  }
  if (typeof v !== 'string' || v.length < 19 || v.length > 64) return undefined;
  const fast = utcTime(v);
  if (fast !== undefined) return fast;
  const text = v[10] === ' ' ? `${v.slice(0, 10)}T${v.slice(11)}` : v;
  const r = scanIsoTimestamp(text, 0, (wall) => wall);
  return r.ok && r.end === text.length ? r.epochMs : undefined;
}

function digitsAt(s: string, pos: number, n: number): number {
  let v = 0;
  for (let i = pos; i < pos + n; i++) {
    const d = s.charCodeAt(i) - 48;
    if (!(d >= 0 && d <= 9)) return -1;
    v = v * 10 + d;
  }
  return v;
}

/**
 * The shapes Windows writes (`2024-01-01 10:00:00.123` in Sysmon's UtcTime, `...T...1234567Z` in
 * SystemTime) read directly: `YYYY-MM-DD[ T]HH:MM:SS[.fraction][Z]`, nothing after. Anything else
 * (offsets, lower-case `t`/`z`, out-of-range fields) is left to scanIsoTimestamp, which reads these
 * shapes the same way.
 */
function utcTime(s: string): number | undefined {
  const year = digitsAt(s, 0, 4);
  const month = digitsAt(s, 5, 2);
  const day = digitsAt(s, 8, 2);
  const h = digitsAt(s, 11, 2);
  const m = digitsAt(s, 14, 2);
  const sec = digitsAt(s, 17, 2);
  if (year < 0 || month < 1 || month > 12 || day < 1 || h < 0 || h > 23 || m < 0 || m > 59 || sec < 0 || sec > 59) return undefined;
  if (s[4] !== '-' || s[7] !== '-' || (s[10] !== 'T' && s[10] !== ' ') || s[13] !== ':' || s[16] !== ':') return undefined;
  let end = 19;
  let ms = 0;
  if (s[end] === '.') {
    let n = 0;
    end++;
    for (; end < s.length; end++) {
      const d = s.charCodeAt(end) - 48;
      if (d < 0 || d > 9) break;
      if (n < 3) ms = ms * 10 + d;
      n++;
    }
    if (n === 0) return undefined;
    for (; n < 3; n++) ms *= 10;
  }
  if (s[end] === 'Z') end++;
  if (end !== s.length || day > daysInMonth(year, month)) return undefined;
  return Date.UTC(year, month - 1, day, h, m, sec, ms);
}

export function isoTime(v: unknown): string | undefined {
  const ms = parseTime(v);
  return ms === undefined ? undefined : isoString(ms);
}

/** Year 10000 in epoch ms: from there on (and before 1970) toISOString is left to Date. */
const YEAR_10000 = 253_402_300_800_000;
const DAY = 86_400_000;

function pad2(n: number): string {
  return n < 10 ? `0${n}` : `${n}`;
}

/**
 * `new Date(ms).toISOString()` for integer ms from 1970 to year 9999, computed without a Date (days to
 * civil date as in Howard Hinnant's `civil_from_days`); it runs for nearly every event.
 */
export function isoString(ms: number): string {
  if (!Number.isInteger(ms) || ms < 0 || ms >= YEAR_10000) return new Date(ms).toISOString();
  const days = Math.floor(ms / DAY);
  let rest = ms - days * DAY;
  const { year, month, day } = civilFromDays(days);
  const h = Math.floor(rest / 3_600_000);
  rest -= h * 3_600_000;
  const m = Math.floor(rest / 60_000);
  rest -= m * 60_000;
  const s = Math.floor(rest / 1000);
  const milli = rest - s * 1000;
  return `${year}-${pad2(month)}-${pad2(day)}T${pad2(h)}:${pad2(m)}:${pad2(s)}.${milli < 10 ? '00' : milli < 100 ? '0' : ''}${milli}Z`;
}

/** Last path segment of a Windows or POSIX path. */
export function basename(path: string | undefined): string | undefined {
  if (!path) return undefined;
  const cut = Math.max(path.lastIndexOf('\\'), path.lastIndexOf('/'));
  const name = path.slice(cut + 1);
  return name === '' ? undefined : name;
}

/**
 * Drops undefined keys and fills `related.ip` from the source and destination addresses, the
 * final step of every profile so cores never carry empty keys.
 */
export function finishCore(core: EcsCore, extraIps: Array<string | undefined> = []): EcsCore {
  const out: EcsCore = {};
  // for-in visits an object literal's keys in the same order as Object.keys, without the array.
  for (const key in core) {
    const v = core[key as EcsKey];
    if (v !== undefined && !(Array.isArray(v) && v.length === 0)) (out as Record<string, unknown>)[key] = v;
  }
  if (extraIps.length === 0 && !out['related.ip'] && !out['source.ip'] && !out['destination.ip']) return out;
  const ips = new Set<string>(out['related.ip'] ?? []);
  for (const candidate of [out['source.ip'], out['destination.ip'], ...extraIps]) if (candidate && isIp(candidate)) ips.add(candidate);
  if (ips.size > 0) out['related.ip'] = [...ips];
  return out;
}

export function inputError(profile: string, expected: string, input: ProfileInput): VigilError {
  return new VigilError('PROFILE_BAD_INPUT', `profile "${profile}" expects ${expected}, got ${input.kind === 'json' ? 'a JSON object of another shape' : input.kind === 'syslog' ? 'a syslog record' : 'a text line'}`, { field: 'input' });
}

export function jsonValue(profile: string, input: ProfileInput): EventObject {
  if (input.kind !== 'json') throw inputError(profile, 'a JSON object', input);
  return input.value;
}

/** `success`/`failure` from the many spellings sources use. */
export function outcome(v: unknown): 'success' | 'failure' | undefined {
  if (typeof v === 'boolean') return v ? 'success' : 'failure';
  if (typeof v !== 'string') return undefined;
  switch (v.toLowerCase()) {
    case 'success': case 'succeeded': case 'yes': case 'allow': case 'allowed': case 'true': case 'ok':
      return 'success';
    case 'failure': case 'failed': case 'fail': case 'no': case 'deny': case 'denied': case 'false': case 'blocked':
      return 'failure';
    default:
      return undefined;
  }
}
