import type { EventObject } from '../../core/event.js';
import { VigilError } from '../../core/errors.js';
import { getPath } from '../../core/fieldpath.js';
import type { CorrelationAlert, RuleMatch } from '../../sigma/index.js';

/** One line of the hunt timeline. */
export interface TimelineRow {
  /** ISO 8601 UTC, or '' when the event carries no time. */
  timestamp: string;
  /** Epoch ms used for sorting; undefined sorts last. */
  timeMs: number | undefined;
  computer: string;
  channel: string;
  eventId: string;
  rule: string;
  ruleId: string;
  level: string;
  /** ATT&CK tags (those starting with `attack.`). */
  tags: string[];
  details: string;
  recordId: string;
  file: string;
  /** True for correlation alerts. */
  correlation: boolean;
}

export const LEVEL_ORDER = ['informational', 'low', 'medium', 'high', 'critical'] as const;

/** Rank of a level (informational 0 .. critical 4); -1 for a missing or unknown level. */
export function levelRank(level: string | undefined): number {
  return level ? (LEVEL_ORDER as readonly string[]).indexOf(level) : -1;
}

export function parseLevel(value: string): string {
  const v = value.toLowerCase();
  if (levelRank(v) < 0) throw new VigilError('input.bad_level', `unknown level '${value}' (expected ${LEVEL_ORDER.join(', ')})`);
  return v;
}

/** Parses an ISO date or date-time (a bare date is midnight UTC) into epoch ms. */
export function parseTime(value: string, option: string): number {
  const ms = Date.parse(value);
  if (!Number.isFinite(ms)) throw new VigilError('input.bad_time', `${option}: '${value}' is not an ISO 8601 time`);
  return ms;
}

function text(v: unknown): string {
  if (v === undefined || v === null) return '';
  if (typeof v === 'object') {
    // evtx JSON: `{ "#text": 4624, "#attributes": { Qualifiers: ... } }`
    const t = (v as Record<string, unknown>)['#text'];
    return t === undefined ? '' : text(t);
  }
  return String(v);
}

function first(event: EventObject, paths: string[]): string {
  for (const p of paths) {
    const s = text(getPath(event, p));
    if (s) return s;
  }
  return '';
}

export const computerOf = (e: EventObject) => first(e, ['Event.System.Computer', 'host.name', 'winlog.computer_name', 'hostname']);
const channelOf = (e: EventObject) => first(e, ['Event.System.Channel', 'winlog.channel', 'channel']);
const eventIdOf = (e: EventObject) => first(e, ['Event.System.EventID', 'winlog.event_id', 'event.code', 'EventID']);
const recordIdOf = (e: EventObject) => first(e, ['Event.System.EventRecordID', 'winlog.record_id']);

export const DETAILS_MAX = 200;

/** `Field: value` pairs joined with ` ¦ `, truncated to `max` characters. */
export function details(fields: { field: string; value: string }[], max = DETAILS_MAX): string {
  const s = fields.map((f) => `${f.field}: ${f.value}`).join(' ¦ ');
  return s.length > max ? s.slice(0, max - 1) + '…' : s;
}

const attackTags = (tags: string[]) => tags.filter((t) => t.startsWith('attack.'));

/** Where an event came from: file plus the EVTX record id (JSON events use the event's own). */
export interface EventSource {
  file: string;
  recordId?: string;
}

function base(event: EventObject, timeMs: number | undefined, src: EventSource) {
  return {
    timestamp: timeMs === undefined ? '' : new Date(timeMs).toISOString(),
    timeMs,
    computer: computerOf(event),
    channel: channelOf(event),
    eventId: eventIdOf(event),
    recordId: src.recordId ?? recordIdOf(event),
    file: src.file,
  };
}

export function matchRow(m: RuleMatch, timeMs: number | undefined, src: EventSource): TimelineRow {
  return { ...base(m.event, timeMs, src), rule: m.title, ruleId: m.ruleId, level: m.level ?? '', tags: attackTags(m.tags), details: details(m.fields), correlation: false };
}

/** A correlation alert as a row, placed at its last contributing event. */
export function alertRow(a: CorrelationAlert, src: EventSource | undefined): TimelineRow {
  const last = a.matches[a.matches.length - 1];
  const group = Object.entries(a.group).map(([field, value]) => ({ field, value }));
  const info = details([...group, { field: 'count', value: String(a.count) }, { field: 'rules', value: [...new Set(a.matches.map((m) => m.title))].join(', ') }]);
  const b = last ? base(last.event, a.lastTime, src ?? { file: '' }) : { timestamp: new Date(a.lastTime).toISOString(), timeMs: a.lastTime, computer: '', channel: '', eventId: '', recordId: '', file: '' };
  return { ...b, rule: a.title, ruleId: a.ruleId, level: a.level ?? '', tags: attackTags(a.tags), details: info, correlation: true };
}

/** Sorts by time (rows without a time last), stable otherwise. */
export function sortRows(rows: TimelineRow[]): TimelineRow[] {
  return rows.sort((a, b) => (a.timeMs ?? Infinity) - (b.timeMs ?? Infinity) || 0);
}

export interface RowFilter {
  minLevel?: string;
  fromMs?: number;
  toMs?: number;
}

export function keepRow(row: TimelineRow, f: RowFilter): boolean {
  if (f.minLevel !== undefined && levelRank(row.level) < levelRank(f.minLevel)) return false;
  if (f.fromMs !== undefined && (row.timeMs === undefined || row.timeMs < f.fromMs)) return false;
  if (f.toMs !== undefined && (row.timeMs === undefined || row.timeMs > f.toMs)) return false;
  return true;
}

/** The JSON Lines form of a row. */
export function rowJson(r: TimelineRow) {
  return {
    timestamp: r.timestamp || null, computer: r.computer, channel: r.channel, event_id: r.eventId, rule: r.rule, rule_id: r.ruleId,
    level: r.level || null, tags: r.tags, details: r.details, record_id: r.recordId, file: r.file, correlation: r.correlation,
  };
}

export const COLUMNS = ['Timestamp', 'Computer', 'Channel', 'EventID', 'Level', 'Rule', 'ATT&CK', 'Details', 'RecordID', 'File'] as const;

export function rowCells(r: TimelineRow): string[] {
  return [r.timestamp, r.computer, r.channel, r.eventId, r.level, r.rule, r.tags.join(' '), r.details, r.recordId, r.file];
}
