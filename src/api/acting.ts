/** From a request's principal to the actor the services record, and identity errors to HTTP statuses. */
import type { Acting } from '../identity/types.js';
import { IdentityError } from '../identity/types.js';
import type { AuditActor } from '../storage/ports.js';
import { HttpError } from './http.js';
import type { Principal, RequestContext } from './router.js';

/** The audit actor for a principal: sessions are the user, tokens are named by token and owner. */
export function auditActor(p: Principal): AuditActor {
  const kind = p.kind === 'session' ? 'user' : p.kind;
  const name = p.kind === 'session' || p.username === undefined ? p.username ?? p.name : `${p.username}/${p.name}`;
  return p.userId === undefined ? { kind, name } : { kind, name, userId: p.userId };
}

export function clientAddress(ctx: Pick<RequestContext, 'req'>): string {
  return ctx.req.socket.remoteAddress ?? 'unknown';
}

export function actingOf(ctx: RequestContext): Acting {
  const p = ctx.principal!;
  const acting: Acting = { actor: auditActor(p), role: p.role, ip: clientAddress(ctx) };
  if (p.userId !== undefined) acting.userId = p.userId;
  return acting;
}

const STATUS = { invalid: 400, not_found: 404, conflict: 409, forbidden: 403 } as const;

/** Runs a service call, turning an IdentityError into the matching HttpError. */
export async function asHttp<T>(fn: () => T | Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    if (err instanceof IdentityError) throw new HttpError(STATUS[err.kind], err.code, err.describe());
    throw err;
  }
}
