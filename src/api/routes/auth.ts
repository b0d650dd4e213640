/** Console login, logout, who am I, and changing one's own password. */
import type { Identity } from '../../identity/index.js';
import { csrfToken } from '../../identity/sessions.js';
import { actingOf, asHttp, clientAddress } from '../acting.js';
import { clearedSessionCookie, readCookie, SESSION_COOKIE, sessionCookie, type CookieOptions } from '../authenticate.js';
import { HttpError, parseJsonObject, readBody, sendJson } from '../http.js';
import type { RouteDef } from '../router.js';

/** Login bodies are tiny; an unauthenticated endpoint reads no more than this. */
const MAX_LOGIN_BODY = 8 * 1024;

export function authRoutes(identity: Identity, cookies: CookieOptions): RouteDef[] {
  return [
    {
      method: 'POST', path: '/api/v1/auth/login', permission: 'public',
      summary: 'Log in with username and password: sets the session cookie, returns the CSRF token',
      handler: async (ctx) => {
        // Only JSON: a cross-site HTML form cannot send it without a CORS preflight (login CSRF).
        if (!/^application\/json\b/i.test(ctx.req.headers['content-type'] ?? '')) {
          throw new HttpError(415, 'api.auth.content_type', 'login takes a JSON body (content-type: application/json)');
        }
        const { username, password } = parseJsonObject(await readBody(ctx.req, MAX_LOGIN_BODY));
        if (typeof username !== 'string' || typeof password !== 'string' || !username || username.length > 64 || password.length > 1024) {
          throw new HttpError(400, 'api.auth.body', "'username' (1-64 characters) and 'password' (at most 1024) must be strings");
        }
        const result = await identity.sessions.login(username, password, clientAddress(ctx));
        if (!result.ok && result.reason === 'locked') {
          ctx.res.setHeader('retry-after', String(result.retryAfter));
          throw new HttpError(429, 'api.auth.locked', `too many failed logins; try again in ${result.retryAfter} s`);
        }
        if (!result.ok) throw new HttpError(401, 'api.auth.invalid', 'invalid username or password');
        const { grant } = result;
        ctx.res.setHeader('set-cookie', sessionCookie(grant.id, identity.sessions.absoluteMs, cookies));
        sendJson(ctx.res, 200, {
          user: { id: grant.user.id, username: grant.user.username, role: grant.user.role },
          csrfToken: grant.csrf, expires: grant.expires, idleTimeoutMs: identity.sessions.idleMs,
        });
      },
    },
    {
      method: 'POST', path: '/api/v1/auth/logout', permission: 'account', summary: 'End the current session and clear its cookie',
      handler: (ctx) => {
        const id = ctx.principal?.kind === 'session' ? readCookie(ctx.req, SESSION_COOKIE) : undefined;
        if (id) identity.sessions.logout(id, clientAddress(ctx));
        ctx.res.setHeader('set-cookie', clearedSessionCookie(cookies));
        sendJson(ctx.res, 200, { loggedOut: id !== undefined });
      },
    },
    {
      method: 'GET', path: '/api/v1/auth/me', permission: 'account', summary: 'The caller: user, role, and for sessions the CSRF token',
      handler: (ctx) => {
        const p = ctx.principal!;
        const body: Record<string, unknown> = { kind: p.kind, name: p.name, role: p.role };
        if (p.userId !== undefined) body['user'] = { id: p.userId, username: p.username };
        const id = p.kind === 'session' ? readCookie(ctx.req, SESSION_COOKIE) : undefined;
        if (id) body['csrfToken'] = csrfToken(id);
        sendJson(ctx.res, 200, body);
      },
    },
    {
      method: 'PUT', path: '/api/v1/auth/password', permission: 'account',
      summary: 'Change your own password ({current, password}); your other sessions end',
      handler: async (ctx) => {
        const { current, password } = parseJsonObject(await ctx.body());
        await asHttp(() => identity.users.changeOwn(actingOf(ctx), current, password, ctx.principal?.session));
        sendJson(ctx.res, 200, { changed: true });
      },
    },
  ];
}
