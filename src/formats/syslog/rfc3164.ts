import { scanPri, stripBom, withPri, type ParseContext, type SyslogRecord } from './record.js';
import { scanBsdTimestamp, scanIsoTimestamp, type YearInference, type ZoneResolver } from './timestamp.js';

export interface Rfc3164Options extends ParseContext {
  zone: ZoneResolver;
  years: YearInference;
}

const MAX_TAG = 128;

function isAlnum(c: number): boolean {
  return (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122);
}

function isDigitAt(s: string, i: number): boolean {
  const c = s.charCodeAt(i);
  return c >= 48 && c <= 57;
}

/**
 * Reads `TAG[PID]: ` or `TAG: ` at pos. The colon is what tells a tag from the first word of free
 * text, so lines like `--- last message repeated 1 time ---` keep all their text as MSG.
 */
function scanTag(s: string, pos: number): { tag: string; pid?: string; end: number } | undefined {
  let i = pos;
  while (i < s.length && i - pos < MAX_TAG) {
    const c = s[i];
    if (c === ' ' || c === '[' || c === ':') break;
    i++;
  }
  if (i === pos) return undefined;
  const tag = s.slice(pos, i);
  let pid: string | undefined;
  if (s[i] === '[') {
    const close = s.indexOf(']', i + 1);
    if (close < 0 || close - i > 32) return undefined;
    pid = s.slice(i + 1, close);
    i = close + 1;
  }
  if (s[i] !== ':') return undefined;
  i++;
  if (s[i] === ' ') i++;
  return pid === undefined ? { tag, end: i } : { tag, pid, end: i };
}

/**
 * A HOSTNAME is a word with at least one letter or digit that is not itself a tag; logger and
 * /dev/log senders omit it (`<13>Oct 11 22:14:15 myapp[42]: text`), and relays add it.
 */
function scanHostname(s: string, pos: number): { hostname: string; end: number } | undefined {
  let end = s.indexOf(' ', pos);
  if (end < 0) end = s.length;
  const word = s.slice(pos, end);
  if (word.length === 0 || word.endsWith(':')) return undefined;
  if (word.endsWith(']') || word.includes('[')) return undefined;
  let alnum = false;
  for (let i = 0; i < word.length && !alnum; i++) alnum = isAlnum(word.charCodeAt(i));
  if (!alnum) return undefined;
  return { hostname: word, end };
}

/**
 * Parses an RFC 3164 / BSD line: optional `<PRI>`, `Mmm dd hh:mm:ss` or an ISO 8601 timestamp,
 * optional HOSTNAME, optional `TAG[PID]:`, then MSG. Lines that fit none of it become MSG whole,
 * as RFC 3164 section 4.3.3 tells relays to do.
 */
export function parseRfc3164(line: string, opts: Rfc3164Options): SyslogRecord {
  const pri = scanPri(line, opts);
  let pos = pri ? pri.end : 0;
  const record: SyslogRecord = { format: 'rfc3164', structuredData: [], message: '' };

  let timestamped = false;
  if (isDigitAt(line, pos)) {
    const ts = scanIsoTimestamp(line, pos, opts.zone);
    if (ts.ok && (ts.end === line.length || line[ts.end] === ' ')) {
      record.timestamp = { epochMs: ts.epochMs, original: line.slice(pos, ts.end) };
      pos = ts.end;
      timestamped = true;
    }
  } else if (line.charCodeAt(pos) >= 65 && line.charCodeAt(pos) <= 90) {
    const ts = scanBsdTimestamp(line, pos, opts.zone, opts.years);
    // Cisco IOS ends the timestamp with ':'; anything else glued to it means this was not a timestamp.
    const sep = ts.ok ? line[ts.end] : undefined;
    if (ts.ok && (sep === undefined || sep === ' ' || sep === ':')) {
      record.timestamp = { epochMs: ts.epochMs, original: line.slice(pos, ts.end) };
      pos = sep === ':' ? ts.end + 1 : ts.end;
      timestamped = true;
    }
  }

  if (timestamped) {
    while (line[pos] === ' ') pos++;
    const host = scanHostname(line, pos);
    if (host) {
      record.hostname = host.hostname;
      pos = host.end;
      if (line[pos] === ' ') pos++;
    }
  }

  const tag = scanTag(line, pos);
  if (tag) {
    record.appName = tag.tag;
    if (tag.pid !== undefined) record.procId = tag.pid;
    pos = tag.end;
  }
  record.message = stripBom(line.slice(pos));
  return withPri(record, pri?.priority);
}
