/**
 * Status coming back from a ticketing system: `{target, ticketKey, status}` either signed by the
 * ticketing side (X-Vigil-Signature over the raw body, with the target's inbound secret) or sent with
 * an API token. The ticket must be one Vigil opened; its status maps to a case status per target.
 */
import { VigilError } from '../../core/errors.js';
import type { DeliveryStore } from '../../storage/ports.js';
import { DEFAULT_TOLERANCE_SECONDS, verifySignature } from './signature.js';
import { syncActor, type SetCaseStatus } from './types.js';

export interface StatusSyncTarget {
  name: string;
  /** Lower-cased ticket status -> case status. */
  statusIn: Record<string, string>;
  inboundSecret?: string;
}

export interface TicketStatusUpdate {
  target: string;
  ticketKey: string;
  status: string;
}

/** A refusal with the HTTP status the API answers with. */
export class StatusSyncError extends VigilError {
  constructor(readonly status: number, code: string, message: string, field?: string) {
    super(code, message, field ? { field } : {});
  }
}

const REPLAY_CACHE_MAX = 10_000;

export class TicketStatusSync {
  private readonly targets: Map<string, StatusSyncTarget>;
  /** Signatures seen within the tolerance window: a byte-identical replay inside it is refused too. */
  private readonly seen = new Map<string, number>();
  private readonly now: () => number;
  private readonly tolerance: number;

  constructor(
    private readonly store: DeliveryStore,
    targets: readonly StatusSyncTarget[],
    private readonly setCaseStatus: SetCaseStatus,
    options: { now?: () => number; toleranceSeconds?: number } = {},
  ) {
    this.targets = new Map(targets.map((t) => [t.name, t]));
    this.now = options.now ?? Date.now;
    this.tolerance = options.toleranceSeconds ?? DEFAULT_TOLERANCE_SECONDS;
  }

  /** Parses and checks the body's shape. */
  parse(raw: Buffer): TicketStatusUpdate {
    let value: unknown;
    try {
      value = JSON.parse(raw.toString('utf8'));
    } catch {
      throw new StatusSyncError(400, 'ticketing.body', 'request body is not valid JSON');
    }
    if (!value || typeof value !== 'object' || Array.isArray(value)) throw new StatusSyncError(400, 'ticketing.body', 'request body must be a JSON object');
    const o = value as Record<string, unknown>;
    const str = (name: keyof TicketStatusUpdate, max: number): string => {
      const v = o[name];
      if (typeof v !== 'string' || v.length === 0 || v.length > max) {
        throw new StatusSyncError(400, 'ticketing.body', `'${name}' must be a non-empty string of at most ${max} characters`, name);
      }
      return v;
    };
    return { target: str('target', 64), ticketKey: str('ticketKey', 200), status: str('status', 100) };
  }

  /** Verifies a signed request and returns its update; 401 for any signature problem. */
  verifySigned(raw: Buffer, timestamp: string | undefined, signature: string | undefined): TicketStatusUpdate {
    if (!timestamp || !signature) {
      throw new StatusSyncError(401, 'api.unauthorized', 'a valid bearer token, session or X-Vigil-Signature is required');
    }
    const update = this.parse(raw);
    const secret = this.targets.get(update.target)?.inboundSecret;
    if (secret === undefined) throw new StatusSyncError(401, 'ticketing.signature', `target '${update.target}' accepts no signed requests`);
    const now = this.now();
    const check = verifySignature(secret, raw, timestamp, signature, now, this.tolerance);
    if (!check.ok) throw new StatusSyncError(401, 'ticketing.signature', check.reason);
    this.rememberSignature(signature.toLowerCase(), now);
    return update;
  }

  private rememberSignature(sig: string, now: number): void {
    for (const [s, expires] of this.seen) {
      if (expires > now && this.seen.size < REPLAY_CACHE_MAX) break;
      this.seen.delete(s);
    }
    if (this.seen.has(sig)) throw new StatusSyncError(401, 'ticketing.replay', 'this signed request was already received');
    this.seen.set(sig, now + this.tolerance * 2000);
  }

  /** Applies an update; `actor` is recorded by the cases module (the target itself for signed requests). */
  async apply(update: TicketStatusUpdate, actor: string = syncActor(update.target)): Promise<{ caseId: number; status: string }> {
    const target = this.targets.get(update.target);
    if (!target) {
      throw new StatusSyncError(404, 'ticketing.target', `unknown target '${update.target}' (known: ${[...this.targets.keys()].join(', ') || 'none'})`, 'target');
    }
    const ref = this.store.findRef(target.name, update.ticketKey);
    if (!ref) throw new StatusSyncError(404, 'ticketing.ticket', `no case is linked to ticket '${update.ticketKey}' on '${target.name}'`, 'ticketKey');
    const status = target.statusIn[update.status.toLowerCase()];
    if (status === undefined) {
      throw new StatusSyncError(422, 'ticketing.status', `ticket status '${update.status}' maps to no case status (known: ${Object.keys(target.statusIn).join(', ')})`, 'status');
    }
    // Recorded first, so the case change this causes does not push the same status back.
    this.store.setSyncedStatus(target.name, ref.caseId, status, this.now());
    let changed: boolean | void;
    try {
      changed = await this.setCaseStatus(ref.caseId, status, actor);
    } catch (err) {
      this.store.setSyncedStatus(target.name, ref.caseId, ref.syncedStatus ?? '', this.now());
      throw err;
    }
    if (changed === false) throw new StatusSyncError(404, 'ticketing.case', `case ${ref.caseId} no longer exists`);
    return { caseId: ref.caseId, status };
  }
}
