/**
 * Ticketing connectors: case changes -> outbox -> webhook / Jira / ServiceNow, and ticket status back.
 * The composition root builds it once from the resolved config and hands `onCaseChange` to the cases
 * module and `routes` deps to the API.
 */
import type { DeliveryStore } from '../../storage/ports.js';
import type { ResolvedTicketing } from './config.js';
import { TicketDispatcher, type DispatcherOptions } from './dispatcher.js';
import { TicketStatusSync } from './status-sync.js';
import { createConnector, type Connector } from './targets/index.js';
import type { CaseChangeEvent, SetCaseStatus } from './types.js';

export interface Ticketing {
  dispatcher: TicketDispatcher;
  sync: TicketStatusSync;
  /** The listener for the cases module. */
  onCaseChange(event: CaseChangeEvent): void;
  start(): void;
  stop(): Promise<void>;
}

export function createTicketing(
  store: DeliveryStore,
  config: ResolvedTicketing,
  setCaseStatus: SetCaseStatus,
  options: Omit<DispatcherOptions, 'retry' | 'keepLogMs'> & { toleranceSeconds?: number } = {},
): Ticketing {
  const connectors = new Map<string, Connector>(config.targets.map((t) => [t.name, createConnector(t)]));
  const dispatcher = new TicketDispatcher(store, connectors, { ...options, retry: config.retry, keepLogMs: config.keepLogMs });
  const sync = new TicketStatusSync(store, config.targets, setCaseStatus, options);
  return {
    dispatcher,
    sync,
    onCaseChange: (event) => dispatcher.onCaseChange(event),
    start: () => dispatcher.start(),
    stop: () => dispatcher.stop(),
  };
}

export { TicketingConfigSchema, resolveTicketingConfig, DEFAULT_STATUS_IN, type TicketingConfig, type ResolvedTicketing, type ResolvedTarget } from './config.js';
export { TicketDispatcher, type DispatcherOptions } from './dispatcher.js';
export { TicketStatusSync, StatusSyncError, type StatusSyncTarget, type TicketStatusUpdate } from './status-sync.js';
export { signatureOf, signHeaders, verifySignature, SIGNATURE_HEADER, TIMESTAMP_HEADER } from './signature.js';
export { DEFAULT_RETRY, backoffDelay, parseRetryAfter, type RetryPolicy } from './backoff.js';
export { createConnector } from './targets/index.js';
export type { CaseChangeEvent, TicketCase, SetCaseStatus } from './types.js';
export { syncActor } from './types.js';
