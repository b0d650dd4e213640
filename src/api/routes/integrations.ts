/**
 * Ticketing integration routes: the delivery log, and status sync from the ticketing side. The sync
 * route takes either a token with 'integrations:manage' or, without one, an HMAC-signed request (the
 * router's `unauthorized` hook: a request with no valid credential falls through to the signature).
 */
import type { ServerResponse } from 'node:http';
import { VigilError } from '../../core/errors.js';
import { StatusSyncError, type TicketStatusSync } from '../../integrations/ticketing/status-sync.js';
import { DELIVERY_STATES, type DeliveryState, type DeliveryStore } from '../../storage/ports.js';
import { HttpError, intParam, sendError, sendJson } from '../http.js';
import type { RequestContext, RouteDef } from '../router.js';

/** A status update is three short strings; anything bigger is not one. */
const MAX_STATUS_BODY = 16 * 1024;

export interface IntegrationDeps {
  deliveries: DeliveryStore;
  sync: TicketStatusSync;
}

function header(ctx: RequestContext, name: string): string | undefined {
  const v = ctx.req.headers[name];
  return Array.isArray(v) ? v[0] : v;
}

async function statusBody(ctx: RequestContext): Promise<Buffer> {
  const raw = await ctx.body();
  if (raw.length > MAX_STATUS_BODY) throw new HttpError(413, 'api.body.too_large', `request body exceeds ${MAX_STATUS_BODY} bytes`);
  return raw;
}

function asHttp(err: unknown): unknown {
  return err instanceof StatusSyncError ? new HttpError(err.status, err.code, err.describe()) : err;
}

function answerError(res: ServerResponse, err: unknown): void {
  if (res.headersSent) { res.destroy(); return; }
  const e = asHttp(err);
  if (e instanceof HttpError) {
    if (e.status === 401) res.setHeader('www-authenticate', 'Bearer realm="vigil", X-Vigil-Signature');
    sendError(res, e.status, e.code, e.message);
  } else if (e instanceof VigilError) sendError(res, 400, e.code, e.describe());
  else sendError(res, 500, 'api.internal', 'internal error');
}

export function integrationRoutes(deps: IntegrationDeps): RouteDef[] {
  const signed = async (ctx: RequestContext): Promise<void> => {
    const raw = await statusBody(ctx);
    const update = deps.sync.verifySigned(raw, header(ctx, 'x-vigil-timestamp'), header(ctx, 'x-vigil-signature'));
    sendJson(ctx.res, 200, { ...update, ...(await deps.sync.apply(update)) });
  };
  return [
    {
      method: 'GET', path: '/api/v1/integrations/deliveries', permission: 'integrations:manage',
      summary: 'Ticketing delivery log: outbox entries (filters: state, target, caseId; paging: limit, offset) with every attempt',
      handler: ({ res, url }) => {
        const q = url.searchParams;
        const state = q.get('state');
        if (state !== null && !DELIVERY_STATES.includes(state as DeliveryState)) {
          throw new HttpError(400, 'api.param', `'state' must be one of ${DELIVERY_STATES.join(', ')}`);
        }
        const limit = Math.min(intParam(q, 'limit', 50), 500);
        const offset = intParam(q, 'offset', 0);
        const caseId = q.has('caseId') ? intParam(q, 'caseId', 0) : undefined;
        const { total, deliveries } = deps.deliveries.list({
          limit, offset, state: (state ?? undefined) as DeliveryState | undefined, target: q.get('target') ?? undefined, caseId,
        });
        const attempts = deps.deliveries.attempts(deliveries.map((d) => d.id));
        sendJson(res, 200, {
          total, limit, offset,
          deliveries: deliveries.map(({ payload: _payload, ...d }) => ({
            ...d,
            log: attempts.filter((a) => a.deliveryId === d.id).map(({ deliveryId: _d, target: _t, caseId: _c, ...a }) => a),
          })),
        });
      },
    },
    {
      method: 'POST', path: '/api/v1/integrations/ticket-status', permission: 'integrations:manage',
      summary: 'Sync a ticket status back to its case: {target, ticketKey, status}; a token, or signed with X-Vigil-Signature',
      handler: async (ctx) => {
        const { res, principal } = ctx;
        try {
          const update = deps.sync.parse(await statusBody(ctx));
          sendJson(res, 200, { ...update, ...(await deps.sync.apply(update, principal!.name)) });
        } catch (err) {
          throw asHttp(err);
        }
      },
      unauthorized: (ctx) => { signed(ctx).catch((err: unknown) => answerError(ctx.res, err)); },
    },
  ];
}
