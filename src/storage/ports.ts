/**
 * Storage ports: what the services need from a store. Adapters (sqlite/, later clickhouse/, postgres/)
 * implement these; only src/app/ picks and imports a concrete adapter.
 */
import type { AlertStore } from './ports/alerts.js';
import type { AuditStore } from './ports/audit.js';
import type { CaseStore } from './ports/cases.js';
import type { DeliveryStore } from './ports/deliveries.js';
import type { EventStore } from './ports/events.js';
import type { SessionStore, TokenStore, UserStore } from './ports/identity.js';
import type { SocMetricsStore } from './ports/soc.js';
import type { TuningStore } from './ports/tuning.js';

export * from './ports/alerts.js';
export * from './ports/audit.js';
export * from './ports/cases.js';
export * from './ports/deliveries.js';
export * from './ports/events.js';
export * from './ports/identity.js';
export * from './ports/soc.js';
export * from './ports/tuning.js';

/** One data folder's stores; `transaction` runs `fn` atomically across them. */
export interface Stores {
  events: EventStore;
  alerts: AlertStore;
  tokens: TokenStore;
  cases: CaseStore;
  users: UserStore;
  sessions: SessionStore;
  audit: AuditStore;
  deliveries: DeliveryStore;
  tuning: TuningStore;
  soc: SocMetricsStore;
  transaction<T>(fn: () => T): T;
  close(): void;
}
