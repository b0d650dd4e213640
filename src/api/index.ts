export { createApiServer, type ApiDeps, type IngestOutcome } from './server.js';
export { generateToken, hashToken, presentedToken } from './auth.js';
export { DEFAULT_MAX_BODY_BYTES, HttpError } from './http.js';
