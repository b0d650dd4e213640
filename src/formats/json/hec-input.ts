/**
 * A Splunk HEC event -> what the source profiles read. The event content goes to the profile
 * unchanged (so detection and Sigma see exactly what the sender sent as `event`); the envelope
 * (time, host, source, sourcetype, index, fields) travels as TransportMeta, whose text becomes the
 * stored originalText: the exact bytes of the envelope, so both the original and every piece of
 * metadata stay recoverable byte for byte without wrapping the object that rules match on.
 */
import type { EventObject } from '../../core/event.js';
import { getProfile } from '../profiles/registry.js';
import type { ProfileInput, TransportMeta } from '../profiles/types.js';
import { createSyslogParser } from '../syslog/parse.js';
import type { HecEvent } from './hec.js';
import { isPlainObject } from './scan.js';

/**
 * Splunk sourcetypes whose profile is certain. Keys are lower-case; Splunk sourcetypes are
 * case-sensitive but senders spell these inconsistently (`OktaIM2:log`, `oktaim2:log`).
 */
export const SOURCETYPE_PROFILES: Readonly<Record<string, string>> = {
  'aws:cloudtrail': 'cloudtrail',
  suricata: 'suricata',
  'suricata:eve': 'suricata',
  'suricata:json': 'suricata',
  'okta:im2:log': 'okta',
  'oktaim2:log': 'okta',
  linux_secure: 'linux_auth',
  'linux:auth': 'linux_auth',
  linux_audit: 'auditd',
  'linux:audit': 'auditd',
  auditd: 'auditd',
};

/** Sourcetypes whose strings are syslog lines whatever their header looks like. */
const SYSLOG_SOURCETYPES = new Set(['syslog', 'linux_secure', 'linux:auth', 'linux_messages_syslog', 'rfc5424_syslog']);

/** Profiles that read only syslog records, so a string sent for them must be parsed as syslog. */
const SYSLOG_PROFILES = new Set(['linux_auth']);

const parseSyslog = createSyslogParser();

export interface HecInput {
  input: ProfileInput;
  /** The profile the sourcetype names; undefined lets the pipeline detect one from the shape. */
  profile?: string;
}

export interface HecInputOptions {
  /** The token's profile: wins over the sourcetype. */
  forcedProfile?: string;
  /** The text to keep as originalText when the event carries none (a `/raw` line). */
  text?: string;
}

/** The profile for a sourcetype, or undefined when it does not name one for certain. */
export function profileForSourcetype(sourcetype: string | undefined): string | undefined {
  return sourcetype === undefined ? undefined : SOURCETYPE_PROFILES[sourcetype.toLowerCase()];
}

function objectFromText(text: string): { value: EventObject; json: string } | undefined {
  const t = text.trimStart();
  if (t[0] !== '{') return undefined;
  try {
    const v: unknown = JSON.parse(t);
    return isPlainObject(v) ? { value: v as EventObject, json: t } : undefined;
  } catch {
    return undefined;
  }
}

/**
 * An object event is JSON; a string is a JSON object when it is one (raw JSON lines are common on
 * `/raw`), syslog when the sourcetype or the profile says so or it has a syslog header (PRI or
 * timestamp), else text. Other JSON values (arrays, numbers) are kept as their JSON text.
 */
export function hecToInput(event: HecEvent, options: HecInputOptions = {}): HecInput {
  const named = profileForSourcetype(event.sourcetype);
  const profile = options.forcedProfile ?? named;
  const transport: TransportMeta = {};
  const text = event.text ?? options.text;
  if (text !== undefined) transport.text = text;
  if (event.host !== undefined) transport.host = event.host;
  if (event.time !== undefined) transport.time = event.time;
  // A token's profile is an order; a sourcetype is a hint, dropped when the content does not fit it.
  const done = (input: ProfileInput): HecInput => {
    input.transport = transport;
    if (options.forcedProfile !== undefined) return { input, profile: options.forcedProfile };
    return named !== undefined && getProfile(named).detect(input) ? { input, profile: named } : { input };
  };

  if (isPlainObject(event.event)) return done({ kind: 'json', value: event.event as EventObject });
  const line = typeof event.event === 'string' ? event.event : JSON.stringify(event.event);
  const object = typeof event.event === 'string' ? objectFromText(line) : undefined;
  if (object) return done({ kind: 'json', ...object });

  const sourcetype = event.sourcetype?.toLowerCase();
  const wantsSyslog = (sourcetype !== undefined && SYSLOG_SOURCETYPES.has(sourcetype)) || (profile !== undefined && SYSLOG_PROFILES.has(profile));
  try {
    const record = parseSyslog(line);
    if (wantsSyslog || record.priority !== undefined || record.timestamp !== undefined) return done({ kind: 'syslog', record, text: line });
  } catch {
    // Not syslog (a broken PRI, an oversize line): keep it as text.
  }
  return done({ kind: 'text', text: line });
}
