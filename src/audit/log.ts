/**
 * The audit service other modules call: `record(actor, action, target, before, after)` redacts secrets,
 * appends to the hash chain and returns the stored record.
 */
import type { AuditActor, AuditQuery, AuditRecord, AuditStore, AuditTarget } from '../storage/ports.js';
import { chainHash, verifyChain, type VerifyResult } from './chain.js';
import { redact } from './redact.js';

export const SYSTEM_ACTOR: AuditActor = { kind: 'system', name: 'system' };

/** Bounds what a caller can put in one record (attacker-chosen usernames, large objects). */
const MAX_TEXT = 200;
function clip(text: string): string {
  return text.length > MAX_TEXT ? `${text.slice(0, MAX_TEXT)}…` : text;
}

export interface RecordOptions {
  ip?: string;
}

export class AuditLog {
  constructor(private readonly store: AuditStore, private readonly now: () => number = Date.now) {}

  record(actor: AuditActor, action: string, target: AuditTarget, before: unknown, after: unknown, options: RecordOptions = {}): AuditRecord {
    const cleanActor: AuditActor = { kind: actor.kind, name: clip(actor.name) };
    if (actor.userId !== undefined) cleanActor.userId = actor.userId;
    const entry = {
      ts: this.now(), actor: cleanActor, action: clip(action), target: { type: clip(target.type), id: clip(target.id) },
      before: redact(before), after: redact(after),
      ...(options.ip === undefined ? {} : { ip: clip(options.ip) }),
    };
    return this.store.append(entry, (prev, draft) => chainHash(prev, draft));
  }

  list(query?: AuditQuery): { total: number; records: AuditRecord[] } {
    return this.store.list(query);
  }

  verify(): VerifyResult {
    return verifyChain(this.store.scan());
  }
}
