/**
 * Who is calling: a bearer token (Authorization header, also the shipper schemes) or else the session
 * cookie. Cookie-authenticated unsafe methods must carry the session's CSRF token in `X-CSRF-Token`
 * (synchronizer token, see src/identity/sessions.ts); bearer requests are exempt because browsers never
 * attach them on their own.
 */
import type { IncomingMessage } from 'node:http';
import { csrfMatches } from '../identity/sessions.js';
import { hashToken, presentedToken } from './auth.js';
import { HttpError } from './http.js';
import type { Authenticate, Principal } from './router.js';

export const SESSION_COOKIE = 'vigil_session';
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/** The value of one cookie, or undefined. */
export function readCookie(req: IncomingMessage, name: string): string | undefined {
  const header = req.headers.cookie;
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq < 0) continue;
    if (part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim() || undefined;
  }
  return undefined;
}

export interface CookieOptions {
  /** Adds `Secure` (TLS, or TLS terminated by a proxy in front). */
  secure: boolean;
}

export function sessionCookie(id: string, maxAgeMs: number, options: CookieOptions): string {
  return `${SESSION_COOKIE}=${id}; Path=/; HttpOnly; SameSite=Strict; Max-Age=${Math.floor(maxAgeMs / 1000)}${options.secure ? '; Secure' : ''}`;
}

export function clearedSessionCookie(options: CookieOptions): string {
  return `${SESSION_COOKIE}=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0${options.secure ? '; Secure' : ''}`;
}

export interface AuthenticatorDeps {
  /** The principal behind a token's SHA-256 hex hash, if any. */
  bearer(hash: string): Principal | undefined;
  /** The principal behind a session id, if the session is live. */
  session?(id: string): Principal | undefined;
}

export function createAuthenticator(deps: AuthenticatorDeps): Authenticate {
  return (req) => {
    if (req.headers.authorization !== undefined) {
      // A bad bearer token never falls back to the cookie: the caller asked to be that token.
      const token = presentedToken(req);
      return token ? deps.bearer(hashToken(token)) : undefined;
    }
    const id = readCookie(req, SESSION_COOKIE);
    if (!id || !deps.session) return undefined;
    const principal = deps.session(id);
    if (!principal) return undefined;
    if (!SAFE_METHODS.has(req.method ?? 'GET')) {
      const header = req.headers['x-csrf-token'];
      if (!csrfMatches(id, typeof header === 'string' ? header : undefined)) {
        throw new HttpError(403, 'api.csrf', 'this request needs the X-CSRF-Token header of your session (from login or GET /api/v1/auth/me)');
      }
    }
    return principal;
  };
}
