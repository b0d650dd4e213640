/**
 * Wires identity and audit over one data folder's stores: the audit log, the identity services with the
 * role policy from the permission table, the request authenticator and the API routes.
 */
import { AuditLog } from '../audit/log.js';
import { createAuthenticator } from '../api/authenticate.js';
import { isRole, roleCovers, USER_ROLES } from '../api/permissions.js';
import type { Authenticate, Principal, RouteDef } from '../api/router.js';
import { auditRoutes } from '../api/routes/audit.js';
import { authRoutes } from '../api/routes/auth.js';
import { tokenRoutes } from '../api/routes/tokens.js';
import { userRoutes } from '../api/routes/users.js';
import { createIdentity, sessionHash, type Identity, type SessionOptions } from '../identity/index.js';
import type { RolePolicy } from '../identity/types.js';
import type { Stores } from '../storage/ports.js';

export const ROLE_POLICY: RolePolicy = { isRole, userRoles: USER_ROLES, covers: roleCovers };

export interface IdentityWiring {
  audit: AuditLog;
  identity: Identity;
  authenticate: Authenticate;
  routes: RouteDef[];
}

export interface IdentityOptions {
  session?: SessionOptions;
  /** Session cookies get `Secure`. */
  secureCookies?: boolean;
  now?: () => number;
}

export function wireIdentity(stores: Stores, options: IdentityOptions = {}): IdentityWiring {
  const now = options.now ?? Date.now;
  const audit = new AuditLog(stores.audit, now);
  const identity = createIdentity({ users: stores.users, sessions: stores.sessions, tokens: stores.tokens, audit, policy: ROLE_POLICY, now, transaction: stores.transaction }, options.session);
  const authenticate = createAuthenticator({
    bearer: (hash): Principal | undefined => {
      const found = identity.tokens.resolve(hash);
      if (!found) return undefined;
      const { token, owner } = found;
      const role = token.role;
      if (!isRole(role)) return undefined;
      const p: Principal = { name: token.name, role, kind: token.kind };
      if (token.profile !== undefined) p.profile = token.profile;
      if (owner) { p.userId = owner.id; p.username = owner.username; }
      return p;
    },
    session: (id): Principal | undefined => {
      const active = identity.sessions.resolve(id);
      if (!active) return undefined;
      const { user } = active;
      const role = user.role;
      if (!isRole(role)) return undefined;
      return { name: user.username, role, kind: 'session', userId: user.id, username: user.username, session: sessionHash(id) };
    },
  });
  const cookies = { secure: options.secureCookies ?? false };
  const routes = [...authRoutes(identity, cookies), ...userRoutes(identity), ...tokenRoutes(identity), ...auditRoutes(audit)];
  return { audit, identity, authenticate, routes };
}
