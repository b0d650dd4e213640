/** The ticketing outbox. */
/** Ticketing outbox: one row per (target, case change) still to deliver or already settled. */
export type DeliveryState = 'pending' | 'delivered' | 'failed';
export const DELIVERY_STATES: readonly DeliveryState[] = ['pending', 'delivered', 'failed'];

export interface NewDelivery {
  target: string;
  caseId: number;
  /** 'created' or 'updated'. */
  event: string;
  /** JSON text of what to deliver (a case change event); never holds secrets. */
  payload: string;
}

export interface Delivery extends NewDelivery {
  id: number;
  state: DeliveryState;
  attempts: number;
  /** Epoch ms when the next attempt is due (pending only). */
  nextAt: number;
  created: number;
  updated: number;
  lastError: string | null;
}

export interface DeliveryAttempt {
  id: number;
  deliveryId: number;
  target: string;
  caseId: number;
  /** Epoch ms the attempt started. */
  at: number;
  /** HTTP status of the last request of the attempt; null for a network error. */
  statusCode: number | null;
  durationMs: number;
  error: string | null;
  /** What the attempt did (e.g. "created SEC-12; transitioned to 'Done'"). */
  detail: string | null;
  outcome: 'delivered' | 'retry' | 'failed';
}

/** The external ticket a case maps to on one target (Jira key, ServiceNow sys_id, ...). */
export interface TicketRef {
  target: string;
  caseId: number;
  ticketKey: string;
  /** Another name the ticketing side may use (ServiceNow number). */
  alias: string | null;
  /** The case status last pushed to (or received from) the ticket. */
  syncedStatus: string | null;
  updated: number;
}

export interface DeliveryListQuery {
  state?: DeliveryState;
  target?: string;
  caseId?: number;
  limit?: number;
  offset?: number;
}

export interface DeliveryStore {
  /**
   * Queues a delivery. A change queued behind a pending one of the same target and case replaces the
   * waiting one's payload instead (each payload is the whole case, so the newest is enough).
   */
  enqueue(delivery: NewDelivery, now?: number): Delivery;
  /** Pending deliveries due at `now`: only the oldest of each (target, case), oldest first. */
  due(now: number, limit: number): Delivery[];
  /** Earliest `nextAt` among the deliveries `due` could return (heads of their queues). */
  nextDueAt(): number | undefined;
  /** Logs an attempt and moves the delivery on, in one transaction. */
  recordAttempt(attempt: Omit<DeliveryAttempt, 'id'>, next: { state: DeliveryState; nextAt?: number; error?: string | null }): void;
  get(id: number): Delivery | undefined;
  list(query?: DeliveryListQuery): { total: number; deliveries: Delivery[] };
  attempts(deliveryIds: readonly number[]): DeliveryAttempt[];
  /** Deletes settled deliveries (and their attempts) last updated before `before`; returns how many. */
  prune(before: number): number;
  getRef(target: string, caseId: number): TicketRef | undefined;
  /** The ref whose key or alias is `key`. */
  findRef(target: string, key: string): TicketRef | undefined;
  setRef(ref: Omit<TicketRef, 'updated'>, now?: number): void;
  setSyncedStatus(target: string, caseId: number, status: string, now?: number): void;
}
