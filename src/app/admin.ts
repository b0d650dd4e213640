/** Offline administration over a data folder (the CLI's `vigil user` and `vigil audit`), without a server. */
import { resolve } from 'node:path';
import { userInfo } from 'node:os';
import { AuditLog } from '../audit/log.js';
import type { VerifyResult } from '../audit/chain.js';
import { createIdentity } from '../identity/index.js';
import type { StoredUser } from '../storage/ports.js';
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
