import type { EventObject, LogSource } from '../../core/event.js';
import type { SyslogRecord } from '../syslog/record.js';

/**
 * The normalized core: flat Elastic Common Schema keys, enough to search and to group alerts.
 * Sigma rules never see it; they run on `original` through pipeline field mappings.
 */
export interface EcsCore {
  /** ISO 8601 in UTC with milliseconds. */
  '@timestamp'?: string;
  'event.code'?: string;
  'event.provider'?: string;
  'event.dataset'?: string;
  /** ECS allows several categories (`["authentication", "session"]`), so this is always an array. */
  'event.category'?: string[];
  'event.action'?: string;
  'event.outcome'?: 'success' | 'failure' | 'unknown';
  'host.name'?: string;
  'user.name'?: string;
  'source.ip'?: string;
  'source.port'?: number;
  'destination.ip'?: string;
  'destination.port'?: number;
  'process.name'?: string;
  'process.pid'?: number;
  'process.executable'?: string;
  'process.command_line'?: string;
  'process.parent.executable'?: string;
  'file.path'?: string;
  'url.original'?: string;
  'http.response.status_code'?: number;
  'dns.question.name'?: string;
  message?: string;
  'related.ip'?: string[];
  /** Where a network receiver got the event from, `address:port` (`[v6]:port`), as Filebeat's syslog input records it. */
  'log.source.address'?: string;
}

export type EcsKey = keyof EcsCore;

/** Every key of EcsCore, at run time (the compiler checks the list is complete and exact). */
export const ECS_CORE_KEYS = [
  '@timestamp', 'event.code', 'event.provider', 'event.dataset', 'event.category', 'event.action', 'event.outcome',
  'host.name', 'user.name', 'source.ip', 'source.port', 'destination.ip', 'destination.port', 'process.name',
  'process.pid', 'process.executable', 'process.command_line', 'process.parent.executable', 'file.path',
  'url.original', 'http.response.status_code', 'dns.question.name', 'message', 'related.ip', 'log.source.address',
] as const satisfies readonly EcsKey[];
type MissingEcsKey = Exclude<EcsKey, (typeof ECS_CORE_KEYS)[number]>;
// A key added to EcsCore and not to the list fails here.
const everyKeyListed: [MissingEcsKey] extends [never] ? true : MissingEcsKey = true;
void everyKeyListed;

/**
 * What the transport knew about an input besides its content (Splunk HEC's envelope). Profiles never
 * read it; `normalize` applies it after the profile ran.
 */
export interface TransportMeta {
  /** The exact text the input arrived as (a whole HEC envelope): becomes the event's originalText. */
  text?: string;
  /** Sender-given host, used when the content names none. */
  host?: string;
  /** Sender-given event time (epoch ms), used when the content has no timestamp. */
  time?: number;
  /** The address and port the bytes came from (the sender or its relay): becomes `log.source.address`. */
  peer?: string;
}

/** What a profile reads: a JSON object, a parsed syslog message, or one raw text line. */
export type ProfileInput = (
  | {
    kind: 'json';
    value: EventObject;
    /**
     * The JSON text `value` was parsed from, when the receiver has it (an NDJSON line, a `_bulk`
     * source line): stored as the original of an event whose original is `value` itself, instead of
     * serializing `value` again (number spellings stay as sent; text that repeats a key is serialized
     * again and kept as the event's original text, see src/ingest/event-json.ts). Profiles never read it.
     */
    json?: string;
  }
  | { kind: 'syslog'; record: SyslogRecord; text?: string }
  | { kind: 'text'; text: string }
) & { transport?: TransportMeta };

export interface NormalizedEvent {
  /** Which Sigma rules apply to this event. */
  logsource: LogSource & { product: string };
  core: EcsCore;
  /** The vendor-native object, never modified: for JSON input it is the object itself (or a CloudTrail record). */
  original: EventObject;
  /** The text the event came from, where there was one (a syslog line, an auditd line). */
  originalText?: string;
  /** Name of the profile that produced it. */
  profile: string;
}

export interface SourceProfile {
  /** The name users write in config (`okta`, `winlogbeat`, ...). */
  readonly name: string;
  readonly description: string;
  /** A cheap test of the input's shape, used by detectProfile. */
  detect(input: ProfileInput): boolean;
  /** One input can give several events (a CloudTrail `Records` file). */
  normalize(input: ProfileInput): NormalizedEvent[];
  /**
   * detect and normalize in one pass, for profiles whose test already reads what normalize needs:
   * undefined where detect is false, else what normalize gives.
   */
  match?(input: ProfileInput): NormalizedEvent[] | undefined;
}
