/** Identity: users, passwords, sessions, API tokens. Services over the storage ports; audit on every change. */
import { SessionManager, type SessionOptions } from './sessions.js';
import { TokenAdmin } from './tokens.js';
import type { IdentityDeps } from './types.js';
import { UserAdmin } from './users.js';

export interface Identity {
  sessions: SessionManager;
  users: UserAdmin;
  tokens: TokenAdmin;
}

export function createIdentity(deps: IdentityDeps, options: SessionOptions = {}): Identity {
  return { sessions: new SessionManager(deps, options), users: new UserAdmin(deps), tokens: new TokenAdmin(deps) };
}

export { SessionManager, csrfMatches, csrfToken, sessionHash, DEFAULT_ABSOLUTE_MS, DEFAULT_IDLE_MS, type ActiveSession, type LoginResult, type SessionGrant, type SessionOptions } from './sessions.js';
export { UserAdmin } from './users.js';
export { TokenAdmin, DEFAULT_TOKEN_DAYS, MAX_TOKEN_DAYS, type ResolvedToken, type TokenView } from './tokens.js';
export { hashPassword, verifyPassword, passwordProblem, MIN_PASSWORD, MAX_PASSWORD } from './password.js';
export { FailureLimiter, type LimiterOptions } from './ratelimit.js';
export { IdentityError, checkUsername, checkUserRole, type Acting, type IdentityDeps, type IdentityErrorKind, type RolePolicy } from './types.js';
