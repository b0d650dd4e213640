export { createApiServer, type ApiDeps, type ApiServer, type IngestOutcome } from './server.js';
export { generateToken, hashToken, presentedToken } from './auth.js';
export { DEFAULT_MAX_BODY_BYTES, HttpError } from './http.js';
export { Router, type Principal, type RequestContext, type RouteDef } from './router.js';
export { PERMISSIONS, ROLES, ROLE_PERMISSIONS, roleAllows, isRole, type Permission, type Role } from './permissions.js';
