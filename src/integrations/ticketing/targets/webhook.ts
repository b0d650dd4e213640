/** Generic webhook: POST {event, case, sentAt}, signed with HMAC-SHA256 (see ../signature.ts). */
import { randomUUID } from 'node:crypto';
import { replyJson } from '../http.js';
import { signHeaders } from '../signature.js';
import { pickTicketCase, type CaseChangeEvent } from '../types.js';
import { USER_AGENT, type Connector, type DeliveryContext } from './connector.js';

export interface WebhookTarget {
  kind: 'webhook';
  name: string;
  url: string;
  secret: string;
}

export class WebhookConnector implements Connector {
  readonly kind = 'webhook';
  readonly name: string;

  constructor(private readonly target: WebhookTarget) {
    this.name = target.name;
  }

  async deliver(event: CaseChangeEvent, ctx: DeliveryContext): Promise<{ detail?: string }> {
    const now = ctx.now();
    const body = JSON.stringify({ event: event.type, case: pickTicketCase(event.case), sentAt: new Date(now).toISOString() });
    const reply = await ctx.request({
      method: 'POST',
      url: this.target.url,
      headers: {
        'content-type': 'application/json',
        'user-agent': USER_AGENT,
        // Same id on every retry of one delivery, so a receiver can drop duplicates (delivery is at least once).
        'x-vigil-delivery': String(ctx.deliveryId),
        'x-vigil-request': randomUUID(),
        ...signHeaders(this.target.secret, body, now),
      },
      body,
    });
    // A receiver that opens tickets may answer {"ticketKey": "..."}; it is remembered for status sync.
    if (/^\s*\{/.test(reply.text)) {
      const key = (() => { try { return replyJson(reply, 'webhook')['ticketKey']; } catch { return undefined; } })();
      if (typeof key === 'string' && key.length > 0 && key.length <= 200) {
        ctx.saveRef(key, null, event.case.status);
        return { detail: `ticket ${key}` };
      }
    }
    return {};
  }
}
