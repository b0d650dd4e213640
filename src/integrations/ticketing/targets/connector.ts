/** The seam between the outbox dispatcher and one ticketing system. */
import type { TicketRef } from '../../../storage/ports.js';
import type { HttpReply, OutboundRequest } from '../http.js';
import type { CaseChangeEvent } from '../types.js';

export interface DeliveryContext {
  deliveryId: number;
  /** The ticket this case already has on this target, if any. */
  ref: TicketRef | undefined;
  /** Remembers the ticket at once, so a failure later in the same attempt does not open a second one. */
  saveRef(ticketKey: string, alias: string | null, syncedStatus: string | null): void;
  /** Sends a request (timeout, bounded answer); throws DeliveryError for anything but 2xx. */
  request(req: OutboundRequest): Promise<HttpReply>;
  now(): number;
}

export interface Connector {
  readonly name: string;
  readonly kind: string;
  /** Opens the ticket when the case has none on this target, else updates it. */
  deliver(event: CaseChangeEvent, ctx: DeliveryContext): Promise<{ detail?: string } | void>;
}

/** `Authorization` header value. */
export type AuthConfig =
  | { type: 'basic'; user: string; secret: string }
  | { type: 'bearer'; token: string };

export function authorization(auth: AuthConfig): string {
  return auth.type === 'basic'
    ? `Basic ${Buffer.from(`${auth.user}:${auth.secret}`, 'utf8').toString('base64')}`
    : `Bearer ${auth.token}`;
}

/** Joins a base URL (which may carry a path prefix) and an API path. */
export function joinUrl(base: string, path: string): string {
  return `${base.replace(/\/+$/, '')}${path}`;
}

export const USER_AGENT = 'Vigil-Ticketing/1';
