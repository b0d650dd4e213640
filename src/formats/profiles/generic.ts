import { getPath } from '../../core/fieldpath.js';
import type { EventObject } from '../../core/event.js';
import { syslogCore } from './linux-auth.js';
import type { EcsCore, EcsKey, NormalizedEvent, SourceProfile } from './types.js';
import { basename, finishCore, int, ip, isoTime, outcome, port, str } from './util.js';

/**
 * Where each core field is looked for, first hit wins: the ECS name itself (nested or flat), then
 * names common in application logs and Zeek. Ambiguous names (`status`, `query`, `host` objects)
 * are left out on purpose: a wrong guess is worse than an empty field.
 */
const CANDIDATES: Partial<Record<EcsKey, string[]>> = {
  '@timestamp': ['@timestamp', 'timestamp', 'time', 'ts', 'eventTime', 'datetime', 'date', 'published'],
  'event.code': ['event.code', 'EventID', 'event_id'],
  'event.provider': ['event.provider'],
  'event.dataset': ['event.dataset'],
  'event.action': ['event.action', 'action'],
  'host.name': ['host.name', 'hostname', 'host', 'Computer', 'computer_name'],
  'user.name': ['user.name', 'username', 'userName', 'user', 'User'],
  'source.ip': ['source.ip', 'src_ip', 'srcip', 'source_ip', 'client_ip', 'clientip', 'remote_addr', 'id.orig_h', 'SourceIp'],
  'source.port': ['source.port', 'src_port', 'srcport', 'source_port', 'id.orig_p', 'SourcePort'],
  'destination.ip': ['destination.ip', 'dest_ip', 'dst_ip', 'dstip', 'destination_ip', 'id.resp_h', 'DestinationIp'],
  'destination.port': ['destination.port', 'dest_port', 'dst_port', 'dstport', 'destination_port', 'id.resp_p', 'DestinationPort'],
  'process.name': ['process.name'],
  'process.pid': ['process.pid', 'pid', 'ProcessId'],
  'process.executable': ['process.executable', 'Image'],
  'process.command_line': ['process.command_line', 'CommandLine', 'command_line'],
  'process.parent.executable': ['process.parent.executable', 'ParentImage'],
  'file.path': ['file.path', 'TargetFilename'],
  'url.original': ['url.original', 'url'],
  'http.response.status_code': ['http.response.status_code', 'status_code'],
  'dns.question.name': ['dns.question.name', 'QueryName'],
  message: ['message', 'msg', 'Message', 'log'],
};

const CONVERT: Partial<Record<EcsKey, (v: unknown) => unknown>> = {
  '@timestamp': isoTime,
  'source.ip': ip,
  'destination.ip': ip,
  'source.port': port,
  'destination.port': port,
  'process.pid': int,
  'http.response.status_code': int,
};

function first(v: EventObject, key: EcsKey): unknown {
  const convert = CONVERT[key] ?? str;
  for (const path of CANDIDATES[key] ?? []) {
    const found = convert(getPath(v, path));
    if (found !== undefined) return found;
  }
  return undefined;
}

function categories(v: unknown): string[] | undefined {
  if (typeof v === 'string' && v !== '') return [v];
  if (Array.isArray(v)) {
    const list = v.filter((x): x is string => typeof x === 'string' && x !== '');
    return list.length > 0 ? list : undefined;
  }
  return undefined;
}

export function genericJsonCore(v: EventObject): EcsCore {
  const core: EcsCore = {};
  for (const key of Object.keys(CANDIDATES) as EcsKey[]) (core as Record<string, unknown>)[key] = first(v, key);
  core['event.category'] = categories(getPath(v, 'event.category'));
  core['event.outcome'] = outcome(getPath(v, 'event.outcome')) ?? (getPath(v, 'event.outcome') === 'unknown' ? 'unknown' : undefined);
  core['process.name'] ??= basename(core['process.executable']);
  const related = getPath(v, 'related.ip');
  return finishCore(core, Array.isArray(related) ? related.map((x) => ip(x)) : []);
}

/** The fallback: any JSON object, syslog record or text line, mapped as well as names allow. */
export const genericProfile: SourceProfile = {
  name: 'generic',
  description: 'Best-effort mapping for any JSON object (ECS names and common aliases), syslog record or text line',
  detect: () => true,
  normalize(input): NormalizedEvent[] {
    if (input.kind === 'json') {
      return [{ logsource: { product: 'generic' }, core: genericJsonCore(input.value), original: input.value, profile: 'generic' }];
    }
    if (input.kind === 'syslog') {
      const event: NormalizedEvent = {
        logsource: { product: 'generic', service: 'syslog' },
        core: syslogCore(input.record, undefined, 'syslog'),
        original: input.record as unknown as EventObject,
        profile: 'generic',
      };
      if (input.text !== undefined) event.originalText = input.text;
      return [event];
    }
    return [{ logsource: { product: 'generic' }, core: finishCore({ message: input.text }), original: { message: input.text }, originalText: input.text, profile: 'generic' }];
  },
};
