/** Offline administration over a data folder (the CLI's `vigil user` and `vigil audit`), without a server. */
import { resolve } from 'node:path';
import { userInfo } from 'node:os';
import { AuditLog } from '../audit/log.js';
import type { VerifyResult } from '../audit/chain.js';
import { createIdentity, type Acting, type Identity, type TokenView } from '../identity/index.js';
import type { SearchResult, StoredUser } from '../storage/ports.js';
import { compileHuntRequest, searchLimited } from '../storage/hunt.js';
import { resolveTimeRange, type TimeRange } from '../query/time.js';
import { openSqliteStores } from '../storage/sqlite/index.js';
import { ROLE_POLICY } from './identity.js';

function cliActor(): { kind: string; name: string } {
  let who = 'unknown';
  try { who = userInfo().username; } catch { /* no passwd entry (containers) */ }
  return { kind: 'system', name: `cli:${who}` };
}

export async function createUserOffline(dataDir: string, input: { username: string; role: string; password: string }): Promise<StoredUser> {
  const stores = openSqliteStores(resolve(dataDir));
  try {
    const audit = new AuditLog(stores.audit);
    const identity = createIdentity({ users: stores.users, sessions: stores.sessions, tokens: stores.tokens, audit, policy: ROLE_POLICY, transaction: stores.transaction });
    return await identity.users.create({ actor: cliActor(), role: 'admin' }, input);
  } finally {
    stores.close();
  }
}

export function verifyAuditOffline(dataDir: string): VerifyResult {
  const stores = openSqliteStores(resolve(dataDir));
  try {
    return new AuditLog(stores.audit).verify();
  } finally {
    stores.close();
  }
}

/** The data folder's identity services, acting as the CLI user with admin rights (every change audited). */
function withIdentity<T>(dataDir: string, fn: (identity: Identity, by: Acting) => T): T {
  const stores = openSqliteStores(resolve(dataDir));
  try {
    const audit = new AuditLog(stores.audit);
    const identity = createIdentity({ users: stores.users, sessions: stores.sessions, tokens: stores.tokens, audit, policy: ROLE_POLICY, transaction: stores.transaction });
    return fn(identity, { actor: cliActor(), role: 'admin' });
  } finally {
    stores.close();
  }
}

/** `vigil token create`: a CLI token has no owner user; its text is returned once. */
export function createTokenOffline(dataDir: string, input: { name: string; role: string; expiresInDays?: number; profile?: string }): { token: string; view: TokenView } {
  return withIdentity(dataDir, (identity, by) => identity.tokens.create(by, input));
}

export function listTokensOffline(dataDir: string): TokenView[] {
  return withIdentity(dataDir, (identity) => identity.tokens.list());
}

export function revokeTokenOffline(dataDir: string, id: string): void {
  withIdentity(dataDir, (identity, by) => identity.tokens.revoke(by, id, false));
}

/**
 * `vigil search --data DIR`: the hunt query straight on a data folder, no server needed (SQLite WAL
 * lets this read while a server writes). Answers in the shape of `POST /api/v1/search`.
 */
export function searchOffline(dataDir: string, query: string, input: { from?: string; to?: string; limit?: number }, now: number = Date.now()): { range: TimeRange } & SearchResult {
  const range = resolveTimeRange({ from: input.from, to: input.to }, now);
  const compiled = compileHuntRequest({ query, range, now, ...(input.limit !== undefined && { limit: input.limit }) });
  const stores = openSqliteStores(resolve(dataDir));
  try {
    return { range, ...searchLimited(stores.events, compiled, input.limit) };
  } finally {
    stores.close();
  }
}
