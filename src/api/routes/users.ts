/** User administration (permission users:manage). */
import type { Identity } from '../../identity/index.js';
import { actingOf, asHttp } from '../acting.js';
import { parseJsonObject, pathId, sendJson } from '../http.js';
import type { RouteDef } from '../router.js';

export function userRoutes(identity: Identity): RouteDef[] {
  const users = identity.users;
  return [
    {
      method: 'GET', path: '/api/v1/users', permission: 'users:manage', summary: 'List users',
      handler: ({ res }) => sendJson(res, 200, { users: users.list() }),
    },
    {
      method: 'POST', path: '/api/v1/users', permission: 'users:manage', summary: 'Create a user ({username, role, password})',
      handler: async (ctx) => {
        const body = parseJsonObject(await ctx.body());
        const user = await asHttp(() => users.create(actingOf(ctx), { username: body['username'], role: body['role'], password: body['password'] }));
        sendJson(ctx.res, 201, user);
      },
    },
    {
      method: 'GET', path: '/api/v1/users/:id', permission: 'users:manage', summary: 'Get one user',
      handler: async ({ res, params }) => sendJson(res, 200, await asHttp(() => users.get(pathId(params['id']!)))),
    },
    {
      method: 'PATCH', path: '/api/v1/users/:id', permission: 'users:manage', summary: 'Change a user\'s role or disable/enable them ({role?, disabled?})',
      handler: async (ctx) => {
        const body = parseJsonObject(await ctx.body());
        const user = await asHttp(() => users.update(actingOf(ctx), pathId(ctx.params['id']!), { role: body['role'], disabled: body['disabled'] }));
        sendJson(ctx.res, 200, user);
      },
    },
    {
      method: 'POST', path: '/api/v1/users/:id/password', permission: 'users:manage', summary: 'Reset a user\'s password ({password}); their sessions end',
      handler: async (ctx) => {
        const body = parseJsonObject(await ctx.body());
        await asHttp(() => users.resetPassword(actingOf(ctx), pathId(ctx.params['id']!), body['password']));
        sendJson(ctx.res, 200, { reset: true });
      },
    },
  ];
}
