/**
 * API tokens made by users: a role no higher than the creator's (every permission of the token's role
 * is one the creator has), an expiry (at most a year), stored as SHA-256. A token stops working when its
 * owner is disabled, removed, or no longer covers the token's role.
 */
import { createHash, randomBytes } from 'node:crypto';
import type { StoredToken } from '../storage/ports.js';
import { atomically, IdentityError, type Acting, type IdentityDeps } from './types.js';

const DAY = 86_400_000;
export const MAX_TOKEN_DAYS = 365;
export const DEFAULT_TOKEN_DAYS = 90;

export type TokenView = StoredToken & { id: string };

export interface ResolvedToken {
  token: StoredToken;
  owner?: { id: number; username: string };
}

function hashOf(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

export class TokenAdmin {
  private readonly now: () => number;

  constructor(private readonly deps: IdentityDeps) {
    this.now = deps.now ?? Date.now;
  }

  /** The token behind a SHA-256 hash when it is live and its owner still stands behind it. */
  resolve(hash: string): ResolvedToken | undefined {
    const token = this.deps.tokens.lookup(hash, this.now());
    if (!token || !this.deps.policy.isRole(token.role)) return undefined;
    if (token.owner === undefined) return { token };
    const owner = this.deps.users.get(token.owner);
    if (!owner || owner.disabled || !this.deps.policy.covers(owner.role, token.role)) return undefined;
    return { token, owner: { id: owner.id, username: owner.username } };
  }

  /** Returns the token text once; only its hash is kept. */
  create(by: Acting, input: { name: unknown; role: unknown; expiresInDays?: unknown; profile?: unknown }): { token: string; view: TokenView } {
    if (typeof input.name !== 'string' || input.name.length < 1 || input.name.length > 64) {
      throw new IdentityError('invalid', 'identity.token.name', "'name' must be 1-64 characters", 'name');
    }
    const role = input.role ?? by.role;
    if (typeof role !== 'string' || !this.deps.policy.isRole(role)) {
      throw new IdentityError('invalid', 'identity.token.role', "'role' is not a known role", 'role');
    }
    if (!this.deps.policy.covers(by.role, role)) {
      throw new IdentityError('forbidden', 'identity.token.role', `role '${by.role}' cannot create a token with role '${role}'`, 'role');
    }
    const days = input.expiresInDays ?? DEFAULT_TOKEN_DAYS;
    if (typeof days !== 'number' || !Number.isInteger(days) || days < 1 || days > MAX_TOKEN_DAYS) {
      throw new IdentityError('invalid', 'identity.token.expiry', `'expiresInDays' must be an integer from 1 to ${MAX_TOKEN_DAYS}`, 'expiresInDays');
    }
    const kind = role === 'ingest' ? 'ingest' : 'token';
    if (input.profile !== undefined && (kind !== 'ingest' || typeof input.profile !== 'string' || !/^[a-z0-9_-]{1,40}$/.test(input.profile))) {
      throw new IdentityError('invalid', 'identity.token.profile', "'profile' is only for ingest tokens and must name a source profile", 'profile');
    }
    const now = this.now();
    const token = `vgl_${randomBytes(32).toString('base64url')}`;
    const hash = hashOf(token);
    const name = input.name;
    const view = atomically(this.deps, () => {
      this.deps.tokens.add({
        name, hash, role, kind, expires: now + days * DAY,
        ...(by.userId === undefined ? {} : { owner: by.userId }),
        ...(typeof input.profile === 'string' ? { profile: input.profile } : {}),
      }, now);
      const stored = this.deps.tokens.get(hash.slice(0, 12))!;
      this.deps.audit.record(by.actor, 'token.create', { type: 'token', id: stored.id }, null, stored, by.ip === undefined ? {} : { ip: by.ip });
      return stored;
    });
    return { token, view };
  }

  /** Every token, or only those owned by `owner`. */
  list(owner?: number): TokenView[] {
    const all = this.deps.tokens.list();
    return owner === undefined ? all : all.filter((t) => t.owner === owner);
  }

  /** Revokes a token; with `ownOnly` a token of someone else is 'not found'. */
  revoke(by: Acting, id: string, ownOnly: boolean): void {
    const before = this.deps.tokens.get(id);
    if (!before || (ownOnly && before.owner !== by.userId)) throw new IdentityError('not_found', 'identity.token.not_found', 'token not found');
    atomically(this.deps, () => {
      this.deps.tokens.remove(id);
      this.deps.audit.record(by.actor, 'token.revoke', { type: 'token', id }, before, null, by.ip === undefined ? {} : { ip: by.ip });
    });
  }
}
