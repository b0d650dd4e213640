/**
 * API tokens (permission tokens:manage): everyone manages their own; whoever may manage users sees and
 * revokes all. The token text is returned once, at creation.
 */
import type { Identity } from '../../identity/index.js';
import { actingOf, asHttp } from '../acting.js';
import { parseJsonObject, sendJson } from '../http.js';
import { roleAllows } from '../permissions.js';
import type { RequestContext, RouteDef } from '../router.js';

function seesAll(ctx: RequestContext): boolean {
  return roleAllows(ctx.principal!.role, 'users:manage');
}

export function tokenRoutes(identity: Identity): RouteDef[] {
  const tokens = identity.tokens;
  return [
    {
      method: 'GET', path: '/api/v1/tokens', permission: 'tokens:manage', summary: 'List API tokens (your own; admins: all)',
      handler: (ctx) => sendJson(ctx.res, 200, { tokens: tokens.list(seesAll(ctx) ? undefined : ctx.principal!.userId ?? -1) }),
    },
    {
      method: 'POST', path: '/api/v1/tokens', permission: 'tokens:manage',
      summary: 'Create an API token ({name, role?, expiresInDays?, profile?}); role no higher than yours; the token is shown once',
      handler: async (ctx) => {
        const body = parseJsonObject(await ctx.body());
        const made = await asHttp(() => tokens.create(actingOf(ctx), { name: body['name'], role: body['role'], expiresInDays: body['expiresInDays'], profile: body['profile'] }));
        sendJson(ctx.res, 201, { ...made.view, token: made.token });
      },
    },
    {
      method: 'DELETE', path: '/api/v1/tokens/:id', permission: 'tokens:manage', summary: 'Revoke an API token',
      handler: async (ctx) => {
        await asHttp(() => tokens.revoke(actingOf(ctx), ctx.params['id']!, !seesAll(ctx)));
        sendJson(ctx.res, 200, { revoked: true });
      },
    },
  ];
}
