import type { EventObject } from '../../core/event.js';
import { int, isHex, isObject, pick, str } from './util.js';

/** The fields every Windows mapping needs, read from either JSON layout. */
export interface WindowsRecord {
  layout: 'winlogbeat' | 'evtx';
  provider?: string;
  channel?: string;
  eventId?: number;
  computer?: string;
  /** The event time as written (read with parseTime only when the core needs it). */
  time?: unknown;
  /** Audit Success / Audit Failure from the keywords, for Security events. */
  audit?: 'success' | 'failure';
  /** Named EventData (or UserData) values; may be the input's own EventData object: read only. */
  data: Record<string, unknown>;
  /** Rendered message (Winlogbeat only). */
  message?: string;
  /** Rendered task name (Winlogbeat only), e.g. `Process Creation`. */
  task?: string;
  /** The whole input, for ECS fields a shipper already filled in. */
  source: EventObject;
}

export const SYSMON_PROVIDER = 'Microsoft-Windows-Sysmon';

/** Winlogbeat / Elastic Agent documents: `winlog.*` beside ECS fields. */
export function isWinlogbeat(v: EventObject): boolean {
  const w = v.winlog;
  return isObject(w) && (w.event_id !== undefined || w.provider_name !== undefined || w.channel !== undefined);
}

/** EVTX rendered as JSON (the `evtx` crate, evtx_dump, python-evtx): `Event.System` + `Event.EventData`. */
export function isEvtxJson(v: EventObject): boolean {
  return isObject(pick(v, 'Event', 'System'));
}

export function windowsRecord(v: EventObject): WindowsRecord | undefined {
  if (isWinlogbeat(v)) return fromWinlogbeat(v);
  if (isEvtxJson(v)) return fromEvtx(v);
  return undefined;
}

const AUDIT_SUCCESS = 0x20;
const AUDIT_FAILURE = 0x10;

/** Bits 48-63 of a `0x...` keywords mask (up to 16 hex digits), else undefined. */
function keywordsHigh(keywords: string): number | undefined {
  if (keywords.length < 3 || keywords.length > 18 || keywords[0] !== '0' || keywords[1] !== 'x') return undefined;
  const hex = keywords.slice(2);
  if (!isHex(hex)) return undefined;
  return hex.length > 12 ? parseInt(hex.slice(0, hex.length - 12), 16) : 0;
}

function fromWinlogbeat(v: EventObject): WindowsRecord {
  const w = v.winlog as Record<string, unknown>;
  let data: Record<string, unknown>;
  // Without user_data, event_data is read in place (a copy would hold the same keys and values).
  if (!isObject(w.user_data) && isObject(w.event_data) && !Object.hasOwn(w.event_data, '__proto__')) {
    data = w.event_data;
  } else {
    data = {};
    if (isObject(w.user_data)) flattenInto(w.user_data, data);
    if (isObject(w.event_data)) Object.assign(data, w.event_data);
  }
  const keywords = Array.isArray(w.keywords) ? w.keywords : [];
  const outcome = pick(v, 'event', 'outcome');
  let audit: WindowsRecord['audit'];
  if (keywords.includes('Audit Success')) audit = 'success';
  else if (keywords.includes('Audit Failure')) audit = 'failure';
  else if (outcome === 'success' || outcome === 'failure') audit = outcome;
  return {
    layout: 'winlogbeat',
    provider: str(w.provider_name) ?? str(pick(v, 'event', 'provider')),
    channel: str(w.channel),
    eventId: int(w.event_id) ?? int(pick(v, 'event', 'code')),
    computer: str(w.computer_name) ?? str(pick(v, 'host', 'name')),
    time: v['@timestamp'],
    audit,
    data,
    message: str(v.message),
    task: str(w.task) ?? str(pick(v, 'event', 'action')),
    source: v,
  };
}

/** Attribute access that works for `#attributes` (evtx crate) and `@Name` (xmltodict) renderings. */
function attr(node: unknown, name: string): unknown {
  if (!isObject(node)) return undefined;
  const attrs = node['#attributes'];
  if (isObject(attrs) && attrs[name] !== undefined) return attrs[name];
  return node[`@${name}`] ?? node[name];
}

/** Element text for values rendered either bare or as `{ "#text": ..., "#attributes": ... }`. */
function text(node: unknown): unknown {
  return isObject(node) ? node['#text'] : node;
}

function fromEvtx(v: EventObject): WindowsRecord {
  const system = pick(v, 'Event', 'System') as Record<string, unknown>;
  const userData = pick(v, 'Event', 'UserData');
  const eventData = pick(v, 'Event', 'EventData');
  let data: Record<string, unknown>;
  // The common shape (the evtx crate's named values, nothing to lift or rename) is read in place.
  if (!isObject(userData) && isObject(eventData) && isPlainEventData(eventData)) {
    data = eventData;
  } else {
    data = {};
    if (isObject(userData)) flattenInto(userData, data);
    if (isObject(eventData)) readEventData(eventData, data);
  }
  let audit: WindowsRecord['audit'];
  const keywords = str(text(system.Keywords));
  const high = keywords === undefined ? undefined : keywordsHigh(keywords);
  if (high !== undefined) {
    if (high & AUDIT_SUCCESS) audit = 'success';
    else if (high & AUDIT_FAILURE) audit = 'failure';
  }
  return {
    layout: 'evtx',
    provider: str(attr(system.Provider, 'Name')),
    channel: str(text(system.Channel)),
    eventId: int(text(system.EventID)),
    computer: str(text(system.Computer)),
    time: attr(system.TimeCreated, 'SystemTime'),
    audit,
    data,
    source: v,
  };
}

/** True when readEventData would copy every key unchanged (no attributes, no `Data` list). */
function isPlainEventData(eventData: Record<string, unknown>): boolean {
  for (const key in eventData) {
    if (key === '#attributes' || key.charCodeAt(0) === 0x40 || key === '__proto__') return false;
    if (key === 'Data') {
      const value = eventData[key];
      if (value !== null && typeof value === 'object') return false;
    }
  }
  return true;
}

/** Named `<Data Name="x">` become keys; unnamed ones keep their position as `Data`, like the evtx crate does. */
function readEventData(eventData: Record<string, unknown>, out: Record<string, unknown>): void {
  for (const [key, value] of Object.entries(eventData)) {
    if (key === '#attributes' || key.startsWith('@')) continue;
    if (key === 'Data' && (Array.isArray(value) || isObject(value))) {
      const list = Array.isArray(value) ? value : [value];
      const unnamed: unknown[] = [];
      for (const item of list) {
        const name = str(attr(item, 'Name'));
        if (name) out[name] = text(item);
        else unnamed.push(text(item));
      }
      if (unnamed.length > 0) out.Data = unnamed.length === 1 ? unnamed[0] : unnamed;
      continue;
    }
    out[key] = value;
  }
}

/** UserData wraps its fields in one vendor element (`<UserData><Operation_...>`); lift them one level. */
function flattenInto(obj: Record<string, unknown>, out: Record<string, unknown>): void {
  for (const [key, value] of Object.entries(obj)) {
    if (key === '#attributes' || key.startsWith('@')) continue;
    if (isObject(value)) {
      for (const [k, v] of Object.entries(value)) if (k !== '#attributes' && !k.startsWith('@')) out[k] = v;
    } else {
      out[key] = value;
    }
  }
}
