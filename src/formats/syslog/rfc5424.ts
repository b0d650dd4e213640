import { scanPri, stripBom, syntaxError, withPri, type ParseContext, type StructuredDataElement, type SyslogRecord } from './record.js';
import { scanIsoTimestamp, type ZoneResolver } from './timestamp.js';

export interface Rfc5424Options extends ParseContext {
  /** Zone for timestamps without offset (not RFC-conformant, but seen). */
  zone: ZoneResolver;
  /**
   * When false (default) a STRUCTURED-DATA block that is not RFC-conformant (Check Point writes
   * `[key:"value"; ...]`) is kept as the start of MSG instead of failing the message.
   */
  strictStructuredData?: boolean;
}

/** True when the text after PRI is `VERSION SP`, i.e. the line is RFC 5424 rather than RFC 3164. */
export function looksLikeRfc5424(s: string, afterPri: number): boolean {
  let i = afterPri;
  const c = s.charCodeAt(i);
  if (c < 49 || c > 57) return false;
  i++;
  while (i < s.length && i - afterPri < 3 && s.charCodeAt(i) >= 48 && s.charCodeAt(i) <= 57) i++;
  return s[i] === ' ';
}

/** Parses one RFC 5424 message (`<PRI>VERSION SP TIMESTAMP SP HOSTNAME SP APP-NAME SP PROCID SP MSGID SP SD [SP MSG]`). */
export function parseRfc5424(line: string, opts: Rfc5424Options): SyslogRecord {
  const pri = scanPri(line, opts);
  if (!pri) throw syntaxError('SYSLOG_BAD_PRI', "RFC 5424 message must start with '<PRI>'", opts, 0, 'priority');
  let pos = pri.end;
  if (!looksLikeRfc5424(line, pos)) throw syntaxError('SYSLOG_BAD_VERSION', 'expected VERSION (1-999) followed by a space', opts, pos, 'version');
  const versionEnd = line.indexOf(' ', pos);
  const version = Number(line.slice(pos, versionEnd));
  pos = versionEnd + 1;

  const record: SyslogRecord = { format: 'rfc5424', version, structuredData: [], message: '' };
  if (line[pos] === '-' && (line[pos + 1] === ' ' || pos + 1 === line.length)) {
    pos += 1;
  } else {
    const ts = scanIsoTimestamp(line, pos, opts.zone);
    if (!ts.ok) throw syntaxError('SYSLOG_BAD_TIMESTAMP', `bad TIMESTAMP: ${ts.reason}`, opts, ts.at, 'timestamp');
    if (ts.end < line.length && line[ts.end] !== ' ') throw syntaxError('SYSLOG_BAD_TIMESTAMP', 'unexpected text after TIMESTAMP', opts, ts.end, 'timestamp');
    record.timestamp = { epochMs: ts.epochMs, original: line.slice(pos, ts.end) };
    pos = ts.end;
  }

  const fields = ['hostname', 'appName', 'procId', 'msgId'] as const;
  for (const field of fields) {
    if (line[pos] !== ' ') throw syntaxError('SYSLOG_BAD_HEADER', `missing ${field.toUpperCase()} (header ends early)`, opts, pos, field);
    pos++;
    let end = line.indexOf(' ', pos);
    if (end < 0) end = line.length;
    if (end === pos) throw syntaxError('SYSLOG_BAD_HEADER', `empty ${field} (two spaces in the header)`, opts, pos, field);
    const value = line.slice(pos, end);
    if (value !== '-') record[field] = value;
    pos = end;
  }

  if (line[pos] !== ' ') throw syntaxError('SYSLOG_BAD_HEADER', 'missing STRUCTURED-DATA', opts, pos, 'structuredData');
  pos++;
  if (line[pos] === '-') {
    pos++;
  } else if (line[pos] === '[') {
    const sd = scanStructuredData(line, pos);
    if (sd.ok) {
      record.structuredData = sd.elements;
      pos = sd.end;
    } else if (opts.strictStructuredData) {
      throw syntaxError('SYSLOG_BAD_SD', `bad STRUCTURED-DATA: ${sd.reason}`, opts, sd.at, 'structuredData');
    } else {
      record.message = stripBom(line.slice(pos));
      return withPri(record, pri.priority);
    }
  } else {
    throw syntaxError('SYSLOG_BAD_SD', "STRUCTURED-DATA must be '-' or start with '['", opts, pos, 'structuredData');
  }

  if (pos < line.length) {
    if (line[pos] !== ' ') throw syntaxError('SYSLOG_BAD_SD', 'expected a space between STRUCTURED-DATA and MSG', opts, pos, 'structuredData');
    record.message = stripBom(line.slice(pos + 1));
  }
  return withPri(record, pri.priority);
}

type SdScan = { ok: true; elements: StructuredDataElement[]; end: number } | { ok: false; reason: string; at: number };

const MAX_SD_NAME = 32;

/** Reads an SD-NAME (SD-ID or PARAM-NAME): printable US-ASCII except '=', SP, ']', '"'. */
function scanSdName(s: string, pos: number): number {
  let i = pos;
  while (i < s.length && i - pos < MAX_SD_NAME) {
    const c = s.charCodeAt(i);
    if (c <= 32 || c >= 127 || c === 61 || c === 93 || c === 34) break;
    i++;
  }
  return i;
}

/** One pass over `[id k="v" ...][id2 ...]`; PARAM-VALUE escapes `\"`, `\\`, `\]` and keeps other backslashes. */
export function scanStructuredData(s: string, start: number): SdScan {
  const elements: StructuredDataElement[] = [];
  let pos = start;
  while (s[pos] === '[') {
    const idEnd = scanSdName(s, pos + 1);
    if (idEnd === pos + 1) return { ok: false, reason: 'empty or invalid SD-ID', at: pos + 1 };
    const element: StructuredDataElement = { id: s.slice(pos + 1, idEnd), params: [] };
    pos = idEnd;
    while (s[pos] === ' ') {
      const nameEnd = scanSdName(s, pos + 1);
      if (nameEnd === pos + 1) return { ok: false, reason: 'empty or invalid PARAM-NAME', at: pos + 1 };
      if (s[nameEnd] !== '=' || s[nameEnd + 1] !== '"') return { ok: false, reason: "expected '=\"' after PARAM-NAME", at: nameEnd };
      const name = s.slice(pos + 1, nameEnd);
      let i = nameEnd + 2;
      let value = '';
      let chunkStart = i;
      for (;;) {
        if (i >= s.length) return { ok: false, reason: 'unterminated PARAM-VALUE', at: nameEnd + 1 };
        const c = s[i];
        if (c === '"') break;
        if (c === '\\' && (s[i + 1] === '"' || s[i + 1] === '\\' || s[i + 1] === ']')) {
          value += s.slice(chunkStart, i) + s[i + 1];
          i += 2;
          chunkStart = i;
          continue;
        }
        i++;
      }
      value += s.slice(chunkStart, i);
      element.params.push([name, value]);
      pos = i + 1;
    }
    if (s[pos] !== ']') return { ok: false, reason: "expected ']' or ' ' in SD-ELEMENT", at: pos };
    elements.push(element);
    pos++;
  }
  return { ok: true, elements, end: pos };
}
