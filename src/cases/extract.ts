/**
 * Observables an alert points at: its host and user, the fields the rule matched, the event's normalized
 * core (source/destination IP, URL, DNS name) and hashes in the original (Sysmon `Hashes: SHA256=...`,
 * ECS `hash.sha256`). Values that do not validate are skipped: events are untrusted input.
 */
import type { EcsCore } from '../formats/profiles/types.js';
import { tryObservable, type NormalizedObservable } from './observables.js';
import type { ObservableType } from './types.js';

/** What extraction reads of an alert (AlertStore's Alert fits). */
export interface AlertLike {
  hostName: string | null;
  userName: string | null;
  fields: { field: string; value: string }[];
}

/** What extraction reads of the alert's event (StoredEvent fits). */
export interface EventLike {
  core: EcsCore;
  original: Record<string, unknown>;
}

/** Keeps the walk of an untrusted original bounded. */
const MAX_DEPTH = 6;
const MAX_NODES = 2000;
const MAX_PER_ALERT = 64;

const CORE_FIELDS: [keyof EcsCore, ObservableType][] = [
  ['host.name', 'host'], ['user.name', 'user'], ['source.ip', 'ip'], ['destination.ip', 'ip'],
  ['url.original', 'url'], ['dns.question.name', 'domain'],
];

/** Matched Sigma field name -> observable type, by the field's last segment. */
function typeOfField(field: string): ObservableType | undefined {
  const name = field.split(/[.|]/).filter(Boolean).pop()?.toLowerCase() ?? '';
  if (/(^|_)ip$|ipaddress$|^(source|destination|dest|src|dst|client|remote)(ip|addr|address)$|^ip(address|v4|v6)?$/.test(name)) return 'ip';
  if (/^(queryname|destinationhostname|domain|dns(name)?|hostname_?queried)$/.test(name)) return 'domain';
  if (/^(url|uri|url_?original|url_?full|requesturl)$/.test(name)) return 'url';
  if (/^(targetusername|subjectusername|username|user|accountname)$/.test(name)) return 'user';
  if (/^(computer|computername|workstationname|hostname)$/.test(name)) return 'host';
  if (/^(email|mailfrom|sender|recipient|sender_?address)$/.test(name)) return 'email';
  if (/^(md5|sha1|sha256|hash)$/.test(name)) return 'hash';
  return undefined;
}

/** `SHA1=..,MD5=..,SHA256=..,IMPHASH=..` (Sysmon) -> the MD5/SHA-1/SHA-256 values (IMPHASH is not a file hash). */
export function parseHashList(text: string): string[] {
  const out: string[] = [];
  for (const part of text.slice(0, 4096).split(/[,;\s]+/)) {
    const m = /^(MD5|SHA1|SHA256)=([0-9a-fA-F]+)$/i.exec(part);
    if (m) out.push(m[2]!);
  }
  return out;
}

function collectHashes(original: unknown, out: NormalizedObservable[]): void {
  let nodes = 0;
  const walk = (value: unknown, key: string, depth: number): void => {
    if (++nodes > MAX_NODES || depth > MAX_DEPTH || out.length >= MAX_PER_ALERT) return;
    if (typeof value === 'string') {
      const k = key.toLowerCase();
      if (k === 'hashes' || k === 'hash') {
        for (const h of parseHashList(value)) push(out, tryObservable('hash', h));
        if (k === 'hash') push(out, tryObservable('hash', value));
      } else if (k === 'md5' || k === 'sha1' || k === 'sha256') {
        push(out, tryObservable('hash', value));
      }
      return;
    }
    if (!value || typeof value !== 'object') return;
    if (Array.isArray(value)) {
      for (const v of value) walk(v, key, depth + 1);
      return;
    }
    for (const [k, v] of Object.entries(value)) walk(v, k, depth + 1);
  };
  walk(original, '', 0);
}

function push(out: NormalizedObservable[], o: NormalizedObservable | undefined): void {
  if (o && out.length < MAX_PER_ALERT && !out.some((x) => x.type === o.type && x.key === o.key)) out.push(o);
}

/** The distinct observables of an alert (and its first event, when it is still stored). */
export function extractObservables(alert: AlertLike, event?: EventLike): NormalizedObservable[] {
  const out: NormalizedObservable[] = [];
  if (alert.hostName) push(out, tryObservable('host', alert.hostName));
  if (alert.userName) push(out, tryObservable('user', alert.userName));
  for (const { field, value } of alert.fields) {
    const type = typeOfField(field);
    if (type === 'hash') {
      for (const h of parseHashList(value)) push(out, tryObservable('hash', h));
      push(out, tryObservable('hash', value));
    } else if (type) {
      push(out, tryObservable(type, value));
    } else if (/^https?:\/\//i.test(value)) {
      push(out, tryObservable('url', value));
    }
  }
  if (event) {
    for (const [key, type] of CORE_FIELDS) {
      const v = event.core[key];
      if (typeof v === 'string') push(out, tryObservable(type, v));
    }
    collectHashes(event.original, out);
  }
  return out;
}
