/**
 * Observables: validation and normalization per type (so the same indicator written two ways is one
 * observable and sightings find it), and the hash kind told by length.
 */
import { domainToASCII } from 'node:url';
import ipaddr from 'ipaddr.js';
import { VigilError } from '../core/errors.js';
import { OBSERVABLE_TYPES, type ObservableType } from './types.js';

export const MAX_OBSERVABLE_LENGTH = 2048;

export interface NormalizedObservable {
  type: ObservableType;
  /** What is shown: canonical for ip/url/hash/domain/email, as written for user and host. */
  value: string;
  /** Dedup key: value lower-cased for the case-insensitive types. */
  key: string;
  subtype: string | null;
}

const HASH_KINDS: Record<number, string> = { 32: 'md5', 40: 'sha1', 64: 'sha256' };
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f]/;
const LABEL = /^(?!-)[a-z0-9-]{1,63}(?<!-)$/;

function invalid(field: string, message: string): VigilError {
  return new VigilError('cases.observable.invalid', message, { field });
}

export function isObservableType(v: unknown): v is ObservableType {
  return typeof v === 'string' && (OBSERVABLE_TYPES as readonly string[]).includes(v);
}

/** A domain name in ASCII (IDNs as punycode), lower case, without the trailing dot; undefined if not one. */
export function normalizeDomain(text: string): string | undefined {
  const trimmed = text.trim().replace(/\.$/, '');
  if (!trimmed || trimmed.length > 253 || CONTROL.test(trimmed)) return undefined;
  const ascii = domainToASCII(trimmed.toLowerCase());
  if (!ascii || ascii.length > 253) return undefined;
  const labels = ascii.split('.');
  if (labels.length < 2 || !labels.every((l) => LABEL.test(l))) return undefined;
  const tld = labels[labels.length - 1]!;
  if (!/^[a-z]{2,63}$/.test(tld) && !tld.startsWith('xn--')) return undefined;
  return ascii;
}

/**
 * Validates and normalizes one observable. `field` names where the value came from, for the error.
 * Throws a VigilError naming the field and what is wrong.
 */
export function normalizeObservable(type: ObservableType, raw: unknown, field = 'value'): NormalizedObservable {
  if (typeof raw !== 'string') throw invalid(field, `${type} observable must be a string`);
  const text = raw.trim();
  if (!text) throw invalid(field, `${type} observable is empty`);
  if (text.length > MAX_OBSERVABLE_LENGTH) throw invalid(field, `${type} observable is longer than ${MAX_OBSERVABLE_LENGTH} characters`);
  if (CONTROL.test(text)) throw invalid(field, `${type} observable contains control characters`);
  switch (type) {
    case 'ip': {
      if (!ipaddr.IPv4.isValidFourPartDecimal(text) && !ipaddr.IPv6.isValid(text)) {
        throw invalid(field, `'${short(text)}' is not an IPv4 or IPv6 address`);
      }
      const v = ipaddr.process(text).toString();
      return { type, value: v, key: v, subtype: null };
    }
    case 'domain': {
      const d = normalizeDomain(text);
      if (!d) throw invalid(field, `'${short(text)}' is not a domain name`);
      return { type, value: d, key: d, subtype: null };
    }
    case 'url': {
      let u: URL;
      try {
        u = new URL(text);
      } catch {
        throw invalid(field, `'${short(text)}' is not an absolute URL`);
      }
      if (!/^(https?|ftp|wss?):$/.test(u.protocol) || !u.hostname) throw invalid(field, `'${short(text)}' is not an http(s), ftp or ws(s) URL`);
      return { type, value: u.href, key: u.href, subtype: null };
    }
    case 'hash': {
      const h = text.toLowerCase();
      const kind = /^[0-9a-f]+$/.test(h) ? HASH_KINDS[h.length] : undefined;
      if (!kind) throw invalid(field, 'hash must be hex MD5 (32), SHA-1 (40) or SHA-256 (64 digits)');
      return { type, value: h, key: h, subtype: kind };
    }
    case 'email': {
      const at = text.lastIndexOf('@');
      const local = text.slice(0, at);
      const domain = at > 0 ? normalizeDomain(text.slice(at + 1)) : undefined;
      if (at <= 0 || local.length > 64 || !/^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+$/.test(local) || !domain) {
        throw invalid(field, `'${short(text)}' is not an email address`);
      }
      const v = `${local}@${domain}`;
      return { type, value: v, key: v.toLowerCase(), subtype: null };
    }
    case 'host': {
      if (text.length > 253 || !/^[A-Za-z0-9_]([A-Za-z0-9_.-]*[A-Za-z0-9_])?$/.test(text)) {
        throw invalid(field, `'${short(text)}' is not a host name`);
      }
      return { type, value: text, key: text.toLowerCase(), subtype: null };
    }
    case 'user': {
      if (text.length > 256) throw invalid(field, 'user observable is longer than 256 characters');
      return { type, value: text, key: text.toLowerCase(), subtype: null };
    }
  }
}

/** Like normalizeObservable, undefined instead of an error (for extraction from untrusted events). */
export function tryObservable(type: ObservableType, raw: unknown): NormalizedObservable | undefined {
  try {
    return normalizeObservable(type, raw);
  } catch {
    return undefined;
  }
}

function short(text: string): string {
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}
