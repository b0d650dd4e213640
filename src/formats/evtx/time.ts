import { civilFromDays } from '../../core/civil.js';
import { FileTime, SystemTime } from './model.js';

/** Broken-down UTC time with the sub-second part in 100 ns ticks (FILETIME resolution). */
export interface Civil {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
  ticks: number;
}

const EPOCH_DIFF_SECONDS = 11644473600; // 1601-01-01 -> 1970-01-01

function civilFromUnixSeconds(unix: number, ticks: number): Civil {
  const days = Math.floor(unix / 86400);
  const sod = unix - days * 86400;
  return { ...civilFromDays(days), hour: Math.floor(sod / 3600), minute: Math.floor((sod % 3600) / 60), second: sod % 60, ticks };
}

export function fileTimeToCivil(lo: number, hi: number): Civil {
  // 2^32 = 429 * 10^7 + 4967296, so ticks = hi*429*10^7 + (hi*4967296 + lo) splits exactly while
  // the second term stays below 2^53 (hi < 1.8e9, i.e. before the year ~25000).
  if (hi < 1_800_000_000) {
    const r = hi * 4967296 + lo;
    const frac = r % 10_000_000;
    const seconds = hi * 429 + (r - frac) / 10_000_000;
    return civilFromUnixSeconds(seconds - EPOCH_DIFF_SECONDS, frac);
  }
  const t = (BigInt(hi) << 32n) | BigInt(lo);
  return civilFromUnixSeconds(Number(t / 10_000_000n) - EPOCH_DIFF_SECONDS, Number(t % 10_000_000n));
}

function pad(n: number, width: number): string {
  const s = String(n);
  return s.length >= width ? s : '0000000000'.slice(0, width - s.length) + s;
}

function datePart(c: Civil): string {
  return `${pad(c.year, 4)}-${pad(c.month, 2)}-${pad(c.day, 2)}T${pad(c.hour, 2)}:${pad(c.minute, 2)}:${pad(c.second, 2)}`;
}

/** ISO 8601 with all seven FILETIME fraction digits, e.g. `2019-05-11T18:10:42.4344096Z`. */
export function isoFromFileTime(lo: number, hi: number): string {
  const c = fileTimeToCivil(lo, hi);
  return `${datePart(c)}.${pad(c.ticks, 7)}Z`;
}

/**
 * The fraction as chrono's `SecondsFormat::AutoSi` prints it (the Rust `evtx` JSON): no digits
 * when zero, else 3, 6 or 9 digits, whichever is the shortest exact form.
 */
function autoSiFraction(nanos: number): string {
  if (nanos === 0) return '';
  if (nanos % 1_000_000 === 0) return '.' + pad(nanos / 1_000_000, 3);
  if (nanos % 1000 === 0) return '.' + pad(nanos / 1000, 6);
  return '.' + pad(nanos, 9);
}

/** Timestamp text for the JSON event (Rust `evtx` layout). */
export function jsonFileTime(ft: FileTime): string {
  const c = fileTimeToCivil(ft.lo, ft.hi);
  return `${datePart(c)}.${pad(Math.floor(c.ticks / 10), 6)}Z`;
}

/** Timestamp text as libevtx prints a FILETIME: nine fraction digits. */
export function xmlFileTime(ft: FileTime): string {
  const c = fileTimeToCivil(ft.lo, ft.hi);
  return `${datePart(c)}.${pad(c.ticks, 7)}00Z`;
}

function systemTimeCivil(st: SystemTime): Civil {
  const f = st.fields;
  return { year: f[0]!, month: f[1]!, day: f[3]!, hour: f[4]!, minute: f[5]!, second: f[6]!, ticks: f[7]! * 10_000 };
}

export function jsonSystemTime(st: SystemTime): string {
  const c = systemTimeCivil(st);
  return `${datePart(c)}${autoSiFraction(c.ticks * 100)}Z`;
}

export function xmlSystemTime(st: SystemTime): string {
  const c = systemTimeCivil(st);
  return `${datePart(c)}.${pad(st.fields[7]!, 3)}Z`;
}
