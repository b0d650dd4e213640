import type { EventObject } from '../../core/event.js';
import type { NormalizedEvent, SourceProfile } from './types.js';
import { finishCore, int, ip, isObject, isoTime, jsonValue, pick, port, str } from './util.js';

const CATEGORIES: Record<string, string[]> = {
  alert: ['intrusion_detection', 'network'], anomaly: ['network'], dns: ['network'], http: ['network', 'web'],
  tls: ['network'], flow: ['network'], netflow: ['network'], fileinfo: ['file', 'network'], ssh: ['network'],
  smtp: ['network', 'email'], drop: ['network'],
};

function isEve(v: EventObject): boolean {
  return typeof v.event_type === 'string' && typeof v.timestamp === 'string' && (v.flow_id !== undefined || v.src_ip !== undefined);
}

/** DNS name for v1 (`dns.rrname`), v2 answers, and v3 / Suricata 7 requests (`dns.queries[0].rrname`). */
function dnsName(v: EventObject): string | undefined {
  const direct = str(pick(v, 'dns', 'rrname'));
  if (direct) return direct;
  const queries = pick(v, 'dns', 'queries');
  return Array.isArray(queries) && isObject(queries[0]) ? str(queries[0].rrname) : undefined;
}

/** Suricata EVE JSON (eve.json): alerts, flows and protocol records; the logsource service is the event_type. */
export const suricataProfile: SourceProfile = {
  name: 'suricata',
  description: 'Suricata EVE JSON (alert, dns, http, tls, flow, fileinfo, ...)',
  detect: (input) => input.kind === 'json' && isEve(input.value),
  normalize(input): NormalizedEvent[] {
    const v = jsonValue('suricata', input);
    const type = str(v.event_type);
    const alert = isObject(v.alert) ? v.alert : undefined;
    const http = isObject(v.http) ? v.http : undefined;
    const core = finishCore({
      '@timestamp': isoTime(v.timestamp),
      'event.dataset': 'suricata.eve',
      'event.provider': 'suricata',
      'event.code': alert ? str(alert.signature_id) : undefined,
      'event.category': type && CATEGORIES[type] ? [...CATEGORIES[type]] : undefined,
      'event.action': alert ? str(alert.action) : type,
      'host.name': str(v.host),
      'source.ip': ip(v.src_ip),
      'source.port': port(v.src_port),
      'destination.ip': ip(v.dest_ip),
      'destination.port': port(v.dest_port),
      'url.original': http ? str(http.url) : undefined,
      'http.response.status_code': http ? int(http.status) : undefined,
      'dns.question.name': type === 'dns' ? dnsName(v) : undefined,
      'file.path': str(pick(v, 'fileinfo', 'filename')),
      // Elastic puts the alert category here; the signature is in event.code's rule.
      message: alert ? str(alert.category) ?? str(alert.signature) : undefined,
    });
    const logsource: NormalizedEvent['logsource'] = { product: 'suricata' };
    if (type) logsource.service = type;
    if (type === 'dns') logsource.category = 'dns';
    return [{ logsource, core, original: v, profile: 'suricata' }];
  },
};
