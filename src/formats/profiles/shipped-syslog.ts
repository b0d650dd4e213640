/**
 * Syslog messages that reach us as JSON documents from a shipper (rsyslog's omelasticsearch with a
 * JSON template, Filebeat's syslog input in ECS): the header fields under their common names, turned
 * back into a SyslogRecord so the syslog profiles read them as if they had come over the wire.
 */
import type { EventObject } from '../../core/event.js';
import type { SyslogRecord } from '../syslog/record.js';

function str(v: unknown): string | undefined {
  return typeof v === 'string' && v !== '' ? v : undefined;
}

function at(obj: EventObject, path: string): unknown {
  let cur: unknown = obj;
  for (const key of path.split('.')) {
    if (!cur || typeof cur !== 'object') return obj[path];
    cur = (cur as Record<string, unknown>)[key];
  }
  return cur ?? obj[path];
}

function first(obj: EventObject, paths: readonly string[]): string | undefined {
  for (const p of paths) {
    const v = at(obj, p);
    if (typeof v === 'number') return String(v);
    const s = str(v);
    if (s !== undefined) return s;
  }
  return undefined;
}

const PROGRAM = ['programname', 'program', 'syslogtag', 'app-name', 'appname', 'app_name', 'process.name', 'syslog.appname'];
const MESSAGE = ['msg', 'message'];
const HOST = ['hostname', 'host.hostname', 'host.name', 'host', 'fromhost'];
const PID = ['procid', 'pid', 'process.pid'];
const TIME = ['timereported', '@timestamp', 'timestamp', 'time'];

/** A SyslogRecord when the document names a program and carries a message; otherwise undefined. */
export function syslogRecordFromJson(value: EventObject): SyslogRecord | undefined {
  let program = first(value, PROGRAM);
  const message = first(value, MESSAGE);
  if (program === undefined || message === undefined) return undefined;
  // rsyslog's syslogtag property is `sshd[123]:`; programname is already clean.
  program = program.replace(/\[\d+\]:?$|:$/, '');
  const record: SyslogRecord = { format: 'rfc3164', structuredData: [], message, appName: program };
  const host = first(value, HOST);
  if (host !== undefined) record.hostname = host;
  const pid = first(value, PID);
  if (pid !== undefined && pid !== '-') record.procId = pid;
  const time = first(value, TIME);
  const ms = time === undefined ? NaN : Date.parse(time);
  if (Number.isFinite(ms)) record.timestamp = { epochMs: ms, original: time! };
  return record;
}
