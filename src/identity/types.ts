/** Shared identity types: the role policy injected from the permission table, actors and errors. */
import { VigilError } from '../core/errors.js';
import type { AuditActor, SessionStore, TokenStore, UserStore } from '../storage/ports.js';
import type { AuditLog } from '../audit/log.js';

/** What identity needs to know about roles; the table itself lives with the API (src/api/permissions.ts). */
export interface RolePolicy {
  isRole(role: string): boolean;
  /** Roles a person may hold (not 'ingest'). */
  userRoles: readonly string[];
  /** True when everything `granted` may do, `holder` may do too. */
  covers(holder: string, granted: string): boolean;
}

export interface IdentityDeps {
  users: UserStore;
  sessions: SessionStore;
  tokens: TokenStore;
  audit: AuditLog;
  policy: RolePolicy;
  now?: () => number;
  /** Runs a change and its audit record atomically (the stores' transaction); default: just runs it. */
  transaction?<T>(fn: () => T): T;
}

export function atomically<T>(deps: IdentityDeps, fn: () => T): T {
  return deps.transaction ? deps.transaction(fn) : fn();
}

/** Who acts, as the services need it: the audit actor plus the role and user behind it. */
export interface Acting {
  actor: AuditActor;
  role: string;
  userId?: number;
  ip?: string;
}

export type IdentityErrorKind = 'invalid' | 'not_found' | 'conflict' | 'forbidden';

export class IdentityError extends VigilError {
  constructor(readonly kind: IdentityErrorKind, code: string, message: string, field?: string) {
    super(code, message, field === undefined ? {} : { field });
  }
}

const USERNAME = /^[A-Za-z0-9._@-]{1,64}$/;

export function checkUsername(value: unknown): string {
  if (typeof value !== 'string' || !USERNAME.test(value)) {
    throw new IdentityError('invalid', 'identity.username', 'username must be 1-64 characters of letters, digits and . _ @ -', 'username');
  }
  return value;
}

export function checkUserRole(policy: RolePolicy, value: unknown): string {
  if (typeof value !== 'string' || !policy.userRoles.includes(value)) {
    throw new IdentityError('invalid', 'identity.role', `role must be one of ${policy.userRoles.join(', ')}`, 'role');
  }
  return value;
}
