import { VigilError, type Location } from '../../core/errors.js';
import { isHex } from './util.js';

/** One audit record: the `key=value` fields with quotes removed and hex-encoded strings decoded. */
export interface AuditRecord {
  type: string;
  node?: string;
  /** Epoch ms from `msg=audit(<seconds>.<ms>:<serial>)`. */
  epochMs: number;
  serial: number;
  /**
   * Fields in line order. The user-space payload `msg='...'` is flattened in; a payload key that
   * repeats an outer key is kept as `msg_<key>` rather than overwriting it.
   */
  fields: Record<string, string>;
}

/**
 * Fields the kernel and libaudit hex-encode when the value has spaces, quotes or control characters
 * (audit_log_untrustedstring). Other unquoted hex, like SYSCALL's a0..a3, is numeric and stays.
 */
const ENCODED_FIELDS = new Set([
  'acct', 'cmd', 'comm', 'cwd', 'data', 'dir', 'exe', 'file', 'grp', 'key', 'name', 'new_group', 'ocomm',
  'old_group', 'path', 'proctitle', 'root_dir', 'sw', 'unit', 'vm', 'watch',
]);

const MAX_FIELDS = 1024;

function isExecveArg(type: string, key: string): boolean {
  if (type !== 'EXECVE' || key.length < 2 || key[0] !== 'a') return false;
  const bracket = key.indexOf('[');
  const digits = bracket < 0 ? key.slice(1) : key.slice(1, bracket);
  return digits.length > 0 && [...digits].every((c) => c >= '0' && c <= '9') && !key.endsWith('_len');
}

const utf8 = new TextDecoder('utf-8');

function decodeHex(hex: string): string {
  const bytes = new Uint8Array(hex.length / 2);
  for (let i = 0; i < bytes.length; i++) bytes[i] = parseInt(hex.slice(i * 2, i * 2 + 2), 16);
  return utf8.decode(bytes);
}

function shouldDecode(type: string, key: string, value: string): boolean {
  if (value.length < 2 || value.length % 2 !== 0 || !isHex(value) || value !== value.toUpperCase()) return false;
  return ENCODED_FIELDS.has(key) || isExecveArg(type, key);
}

export function isAuditLine(text: string): boolean {
  const s = text.startsWith('node=') ? text.slice(text.indexOf(' ') + 1) : text;
  return s.startsWith('type=') && (s.includes(' msg=audit(') || s.includes(' audit('));
}

/** Splits `k=v k="v w" k='a=b c=d'` into pairs in one pass; bare words (`user`, `old`) come back with value undefined. */
function* scanPairs(s: string, from: number, to: number): Generator<[key: string, value: string | undefined, quote: string, at: number]> {
  let i = from;
  while (i < to) {
    while (i < to && s[i] === ' ') i++;
    if (i >= to) return;
    const keyStart = i;
    while (i < to && s[i] !== '=' && s[i] !== ' ') i++;
    const key = s.slice(keyStart, i);
    if (s[i] !== '=') {
      yield [key, undefined, '', keyStart];
      continue;
    }
    i++;
    const q = s[i];
    if (q === '"' || q === "'") {
      const close = s.indexOf(q, i + 1);
      const end = close < 0 || close >= to ? to : close;
      yield [key, s.slice(i + 1, end), q, i + 1];
      i = end + 1;
    } else {
      const valueStart = i;
      while (i < to && s[i] !== ' ') i++;
      yield [key, s.slice(valueStart, i), '', valueStart];
    }
  }
}

/**
 * Parses one auditd line: `[node=N ]type=T msg=audit(1364481363.243:24287): key=value ...`, also the
 * kernel form `type=1400 audit(...)`. Errors carry the caller's line number.
 */
export function parseAuditLine(text: string, location: Location = {}): AuditRecord {
  let pos = 0;
  let node: string | undefined;
  if (text.startsWith('node=')) {
    const sp = text.indexOf(' ');
    if (sp < 0) throw auditError('no record after node=', location, 0);
    node = text.slice(5, sp);
    pos = sp + 1;
  }
  if (!text.startsWith('type=', pos)) throw auditError("expected 'type='", location, pos);
  const typeEnd = text.indexOf(' ', pos);
  if (typeEnd < 0) throw auditError('no msg=audit(...) header', location, pos);
  const type = text.slice(pos + 5, typeEnd);
  let hdr = typeEnd + 1;
  if (text.startsWith('msg=', hdr)) hdr += 4;
  if (!text.startsWith('audit(', hdr)) throw auditError("expected 'msg=audit('", location, hdr);
  const close = text.indexOf('):', hdr);
  if (close < 0) throw auditError("unterminated 'audit(' header", location, hdr);
  const stamp = text.slice(hdr + 6, close);
  const colon = stamp.indexOf(':');
  const dot = stamp.indexOf('.');
  const seconds = Number(stamp.slice(0, dot < 0 ? colon : dot));
  const millis = dot < 0 ? 0 : Number(stamp.slice(dot + 1, colon).padEnd(3, '0').slice(0, 3));
  const serial = Number(stamp.slice(colon + 1));
  if (colon < 0 || !Number.isSafeInteger(seconds) || !Number.isInteger(millis) || !Number.isSafeInteger(serial)) {
    throw auditError('bad audit(<seconds>.<ms>:<serial>) header', location, hdr);
  }

  const fields: Record<string, string> = {};
  let count = 0;
  const put = (key: string, value: string, quoted: boolean, inner: boolean): string | undefined => {
    if (count >= MAX_FIELDS) return undefined;
    count++;
    const name = inner && Object.prototype.hasOwnProperty.call(fields, key) ? `msg_${key}` : key;
    let v = value;
    if (!quoted && shouldDecode(type, key, value)) {
      v = decodeHex(value);
      if (key === 'proctitle') v = v.replaceAll('\0', ' ').trimEnd();
    }
    fields[name] = v;
    return name;
  };
  const collect = (from: number, to: number, inner: boolean): void => {
    let prefix: string | undefined;
    let last: string | undefined;
    for (const [key, value, quote, at] of scanPairs(text, from, to)) {
      if (value === undefined) {
        // `old auid=1 new auid=2` (LOGIN records): the bare word qualifies the next key.
        prefix = key === 'old' || key === 'new' ? key : undefined;
        // `op=adding group to /etc/group id=5`: unquoted words after a value continue it.
        if (!prefix && last !== undefined) fields[last] += ` ${key}`;
        continue;
      }
      const name = prefix ? `${prefix}_${key}` : key;
      prefix = undefined;
      last = undefined;
      if (value === '') continue;
      if (key === 'msg' && !inner && quote === "'") {
        collect(at, at + value.length, true);
        continue;
      }
      const stored = put(name, value, quote !== '', inner);
      if (quote === '' && stored !== undefined) last = stored;
    }
  };
  collect(close + 2, text.length, false);
  const record: AuditRecord = { type, epochMs: seconds * 1000 + millis, serial, fields };
  if (node !== undefined) record.node = node;
  return record;
}

function auditError(message: string, location: Location, column: number): VigilError {
  return new VigilError('AUDITD_BAD_LINE', `auditd: ${message} at column ${column + 1}`, { ...location, column: column + 1 });
}
