/**
 * Authorization in one table: what each role may do. Every route names exactly one permission (or is
 * public), so a route without an explicit permission cannot exist.
 */
export const PERMISSIONS = [
  'events:ingest', 'events:read', 'search', 'alerts:read', 'alerts:write', 'rules:read', 'rules:write',
  'metrics:read', 'tokens:manage', 'users:manage', 'audit:read', 'account',
  'cases:read', 'cases:write', 'cases:delete',
  'integrations:manage', 'tuning:read', 'tuning:write',
] as const;
export type Permission = (typeof PERMISSIONS)[number];

export const ROLES = ['admin', 'detection-engineer', 'analyst', 'responder', 'viewer', 'ingest'] as const;
export type Role = (typeof ROLES)[number];

const READ: readonly Permission[] = ['events:read', 'search', 'alerts:read', 'rules:read', 'metrics:read', 'cases:read', 'tuning:read'];
/** What every person has: their own session, password and API tokens (no higher than their role). */
const PERSON: readonly Permission[] = ['account', 'tokens:manage'];

export const ROLE_PERMISSIONS: Readonly<Record<Role, readonly Permission[]>> = {
  admin: PERMISSIONS,
  'detection-engineer': [...PERSON, ...READ, 'rules:write', 'alerts:write', 'tuning:write'],
  analyst: [...PERSON, ...READ, 'alerts:write', 'cases:write'],
  responder: [...PERSON, ...READ, 'alerts:write', 'cases:write'],
  viewer: [...PERSON, ...READ],
  /** Shippers: may only send events, read nothing. */
  ingest: ['events:ingest'],
};

export function isRole(value: unknown): value is Role {
  return typeof value === 'string' && (ROLES as readonly string[]).includes(value);
}

export function roleAllows(role: Role, permission: Permission): boolean {
  return ROLE_PERMISSIONS[role].includes(permission);
}

/** Roles a person can hold ('ingest' is for shipper tokens only). */
export const USER_ROLES: readonly Role[] = ROLES.filter((r) => r !== 'ingest');

/** True when `holder` has every permission of `granted`: the test for "no higher than". */
export function roleCovers(holder: string, granted: string): boolean {
  if (!isRole(holder) || !isRole(granted)) return false;
  return ROLE_PERMISSIONS[granted].every((p) => ROLE_PERMISSIONS[holder].includes(p));
}
