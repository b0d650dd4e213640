/** The hash chain: each record's hash is SHA-256 over the previous hash and the record's canonical JSON. */
import { createHash } from 'node:crypto';
import type { AuditRecord } from '../storage/ports.js';
import { canonicalJson } from './canonical.js';

export function chainHash(prev: string, record: Omit<AuditRecord, 'hash'>): string {
  const { prev: _prev, ...rest } = record;
  const body = canonicalJson(rest);
  return createHash('sha256').update(prev, 'utf8').update('\n', 'utf8').update(body, 'utf8').digest('hex');
}

export type ChainBreak =
  | { kind: 'hash'; seq: number; message: string }
  | { kind: 'link'; seq: number; message: string }
  | { kind: 'gap'; seq: number; message: string };

export interface VerifyResult {
  ok: boolean;
  records: number;
  /** Hash of the last record: record it elsewhere to detect a truncated tail later. */
  head: string;
  /** The first break found, by sequence number (row). */
  broken?: ChainBreak;
}

/**
 * Recomputes the chain in sequence order. An edited row fails its own hash; a deleted row leaves a gap in
 * the sequence and the next row's `prev` pointing at nothing; a row inserted out of order does not link
 * to its predecessor.
 */
export function verifyChain(records: Iterable<AuditRecord>): VerifyResult {
  let prev = '';
  let expected = 1;
  let count = 0;
  for (const r of records) {
    count++;
    if (r.seq !== expected) {
      return { ok: false, records: count, head: prev, broken: { kind: 'gap', seq: r.seq, message: `row ${r.seq}: expected row ${expected} (rows deleted or inserted out of order)` } };
    }
    if (r.prev !== prev) {
      return { ok: false, records: count, head: prev, broken: { kind: 'link', seq: r.seq, message: `row ${r.seq}: does not link to row ${r.seq - 1} (prev hash differs)` } };
    }
    const { hash, ...rest } = r;
    if (chainHash(prev, rest) !== hash) {
      return { ok: false, records: count, head: prev, broken: { kind: 'hash', seq: r.seq, message: `row ${r.seq}: contents do not match its hash (edited)` } };
    }
    prev = hash;
    expected++;
  }
  return { ok: true, records: count, head: prev };
}
