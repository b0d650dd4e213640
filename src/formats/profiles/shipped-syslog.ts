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

/** A dotted name and its steps, split once. */
interface Path { name: string; steps: readonly string[] }

function paths(names: readonly string[]): readonly Path[] {
  return names.map((name) => ({ name, steps: name.split('.') }));
}

/** The nested value, else the flat key with the dotted name. */
function at(obj: EventObject, path: Path): unknown {
  if (path.steps.length === 1) return obj[path.name];
  let cur: unknown = obj;
  for (const key of path.steps) {
    if (!cur || typeof cur !== 'object') return obj[path.name];
    cur = (cur as Record<string, unknown>)[key];
  }
  return cur ?? obj[path.name];
}

function first(obj: EventObject, candidates: readonly Path[]): string | undefined {
  for (const p of candidates) {
    const v = at(obj, p);
    if (typeof v === 'number') return String(v);
    const s = str(v);
    if (s !== undefined) return s;
  }
  return undefined;
}

const PROGRAM = paths(['programname', 'program', 'syslogtag', 'app-name', 'appname', 'app_name', 'process.name', 'syslog.appname']);
const MESSAGE = paths(['msg', 'message']);
const HOST = paths(['hostname', 'host.hostname', 'host.name', 'host', 'fromhost']);
const PID = paths(['procid', 'pid', 'process.pid']);
const TIME = paths(['timereported', '@timestamp', 'timestamp', 'time']);

/** A SyslogRecord when the document names a program and carries a message; otherwise undefined. */
export function syslogRecordFromJson(value: EventObject): SyslogRecord | undefined {
  let program = first(value, PROGRAM);
  const message = first(value, MESSAGE);
  if (program === undefined || message === undefined) return undefined;
  // rsyslog's syslogtag property is `sshd[123]:`; programname is already clean.
  const last = program.charCodeAt(program.length - 1);
  if (last === 0x3a || last === 0x5d) program = program.replace(/\[\d+\]:?$|:$/, '');
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
