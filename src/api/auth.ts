/** Token authentication: bearer tokens, compared by SHA-256 hash (the store never sees a token). */
import { createHash, randomBytes } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

export function hashToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

/** A new random token: `vgl_` plus 32 bytes base64url. */
export function generateToken(): string {
  return `vgl_${randomBytes(32).toString('base64url')}`;
}

/**
 * The token a request presents: `Authorization: Bearer <token>`; for shippers also `ApiKey <token>`
 * (Elasticsearch), `Splunk <token>` (HEC) and Basic auth whose password is the token. Undefined when
 * there is none.
 */
export function presentedToken(req: IncomingMessage): string | undefined {
  const header = req.headers.authorization;
  if (!header) return undefined;
  const m = /^(Bearer|ApiKey|Splunk|Basic)\s+(\S+)\s*$/i.exec(header);
  if (!m) return undefined;
  const scheme = m[1]!.toLowerCase();
  const value = m[2]!;
  if (scheme !== 'basic') return value;
  const decoded = Buffer.from(value, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  return colon >= 0 ? decoded.slice(colon + 1) || undefined : undefined;
}
