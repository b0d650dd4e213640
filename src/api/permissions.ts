/**
 * Authorization in one table: what each role may do. Every route names exactly one permission (or is
 * public), so a route without an explicit permission cannot exist.
 */
export const PERMISSIONS = [
  'events:ingest', 'events:read', 'search', 'alerts:read', 'alerts:write', 'rules:read', 'rules:write',
  'metrics:read', 'tokens:manage',
  'integrations:manage',
] as const;
export type Permission = (typeof PERMISSIONS)[number];

export const ROLES = ['admin', 'detection-engineer', 'analyst', 'responder', 'viewer', 'ingest'] as const;
export type Role = (typeof ROLES)[number];

const READ: readonly Permission[] = ['events:read', 'search', 'alerts:read', 'rules:read', 'metrics:read'];

export const ROLE_PERMISSIONS: Readonly<Record<Role, readonly Permission[]>> = {
  admin: PERMISSIONS,
  'detection-engineer': [...READ, 'rules:write', 'alerts:write'],
  analyst: [...READ, 'alerts:write'],
  responder: [...READ, 'alerts:write'],
  viewer: READ,
  /** Shippers: may only send events, read nothing. */
  ingest: ['events:ingest'],
};

export function isRole(value: unknown): value is Role {
  return typeof value === 'string' && (ROLES as readonly string[]).includes(value);
}

export function roleAllows(role: Role, permission: Permission): boolean {
  return ROLE_PERMISSIONS[role].includes(permission);
}
