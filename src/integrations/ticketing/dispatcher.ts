/**
 * The outbox worker. A case change is written to the outbox (durable) before anything is sent; a timer
 * then delivers due entries, at most `concurrency` at once and never two of the same case and target,
 * so a ticket's updates arrive in order. Failures are retried with backoff until `maxAttempts`; what is
 * still pending when the process stops is picked up on the next start (delivery is at least once).
 */
import { errorMessage } from '../../core/errors.js';
import type { Delivery, DeliveryStore } from '../../storage/ports.js';
import { backoffDelay, DEFAULT_RETRY, type RetryPolicy } from './backoff.js';
import { DeliveryError, send, type HttpReply, type OutboundRequest } from './http.js';
import type { Connector, DeliveryContext } from './targets/connector.js';
import { pickTicketCase, syncActor, type CaseChangeEvent } from './types.js';

export interface DispatcherOptions {
  retry?: Partial<RetryPolicy>;
  concurrency?: number;
  /** Longest sleep between outbox checks. */
  pollMs?: number;
  /** Settled deliveries older than this are pruned from the log. */
  keepLogMs?: number;
  now?: () => number;
  random?: () => number;
  /** Diagnostics (never given secrets: messages hold method, path, status and a response excerpt). */
  log?: (line: string) => void;
}

const ERROR_MAX = 1000;

export class TicketDispatcher {
  private readonly retry: RetryPolicy;
  private readonly inFlight = new Map<string, Promise<void>>();
  private timer: NodeJS.Timeout | undefined;
  private running = false;
  private lastPrune = 0;
  private readonly now: () => number;

  constructor(
    private readonly store: DeliveryStore,
    private readonly connectors: ReadonlyMap<string, Connector>,
    private readonly options: DispatcherOptions = {},
  ) {
    this.retry = { ...DEFAULT_RETRY, ...options.retry };
    this.now = options.now ?? Date.now;
  }

  /** The cases module's listener: queues one delivery per target. Never throws at the caller. */
  onCaseChange(event: CaseChangeEvent): void {
    try {
      const payload = JSON.stringify({ type: event.type, case: pickTicketCase(event.case) });
      for (const name of this.connectors.keys()) {
        // A status that came from this ticket is already there.
        if (event.actor === syncActor(name)) continue;
        this.store.enqueue({ target: name, caseId: event.case.id, event: event.type, payload }, this.now());
      }
    } catch (err) {
      this.options.log?.(`vigil: ticketing: cannot queue case ${event.case?.id}: ${errorMessage(err)}`);
      return;
    }
    this.kick();
  }

  start(): void {
    this.running = true;
    this.kick();
  }

  /** Stops taking new work and waits for deliveries in flight; pending ones stay in the outbox. */
  async stop(): Promise<void> {
    this.running = false;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    await Promise.allSettled([...this.inFlight.values()]);
  }

  /** Runs a pass now (if started). */
  kick(): void {
    if (!this.running) return;
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => this.pass(), 0);
    this.timer.unref();
  }

  private pass(): void {
    this.timer = undefined;
    if (!this.running) return;
    const now = this.now();
    let launched = 0;
    try {
      this.pruneLog(now);
      const free = (this.options.concurrency ?? 4) - this.inFlight.size;
      if (free > 0) {
        for (const d of this.store.due(now, free + this.inFlight.size)) {
          const key = `${d.target}\u0000${d.caseId}`;
          if (this.inFlight.has(key)) continue;
          if (this.inFlight.size >= (this.options.concurrency ?? 4)) break;
          const job = this.deliver(d).catch((err: unknown) => {
            this.options.log?.(`vigil: ticketing: delivery ${d.id} could not be recorded: ${errorMessage(err)}`);
          }).finally(() => {
            this.inFlight.delete(key);
            this.kick();
          });
          this.inFlight.set(key, job);
          launched++;
        }
      }
    } catch (err) {
      this.options.log?.(`vigil: ticketing: outbox check failed: ${errorMessage(err)}`);
    }
    this.schedule(launched);
  }

  private schedule(launched: number): void {
    if (!this.running || this.timer) return;
    const poll = this.options.pollMs ?? 30_000;
    let wait = poll;
    try {
      const next = this.store.nextDueAt();
      if (next !== undefined) wait = Math.min(poll, Math.max(0, next - this.now()));
    } catch { /* the next pass reports it */ }
    // A due delivery blocked behind one in flight is picked up when that one finishes (kick).
    if (wait === 0 && this.inFlight.size > 0) wait = poll;
    // Never spin: a pass that started nothing does not run again at once.
    if (wait === 0 && launched === 0) wait = Math.min(poll, 100);
    this.timer = setTimeout(() => this.pass(), wait);
    this.timer.unref();
  }

  private pruneLog(now: number): void {
    if (now - this.lastPrune < 3_600_000) return;
    this.lastPrune = now;
    this.store.prune(now - (this.options.keepLogMs ?? 30 * 86_400_000));
  }

  private async deliver(d: Delivery): Promise<void> {
    const started = this.now();
    const connector = this.connectors.get(d.target);
    let statusCode: number | null = null;
    const finish = (outcome: 'delivered' | 'retry' | 'failed', error: string | null, nextAt?: number, detail: string | null = null): void => {
      const state = outcome === 'delivered' ? 'delivered' : outcome === 'failed' ? 'failed' : 'pending';
      const text = error === null ? null : error.slice(0, ERROR_MAX);
      this.store.recordAttempt(
        { deliveryId: d.id, target: d.target, caseId: d.caseId, at: started, statusCode, durationMs: this.now() - started, error: text, detail, outcome },
        { state, nextAt, error: outcome === 'delivered' ? null : text },
      );
    };
    if (!connector) {
      finish('failed', `target '${d.target}' is no longer configured`);
      return;
    }
    let event: CaseChangeEvent;
    try {
      event = JSON.parse(d.payload) as CaseChangeEvent;
    } catch {
      finish('failed', 'the queued payload is not valid JSON');
      return;
    }
    const ctx: DeliveryContext = {
      deliveryId: d.id,
      ref: this.store.getRef(d.target, d.caseId),
      saveRef: (ticketKey, alias, syncedStatus) => {
        this.store.setRef({ target: d.target, caseId: d.caseId, ticketKey, alias, syncedStatus }, this.now());
        ctx.ref = this.store.getRef(d.target, d.caseId);
      },
      request: async (req: OutboundRequest): Promise<HttpReply> => {
        try {
          const reply = await send(req, this.retry.timeoutMs, this.now);
          statusCode = reply.status;
          return reply;
        } catch (err) {
          if (err instanceof DeliveryError) statusCode = err.statusCode;
          throw err;
        }
      },
      now: this.now,
    };
    try {
      const result = await connector.deliver(event, ctx);
      finish('delivered', null, undefined, result?.detail ?? null);
    } catch (err) {
      const retryable = err instanceof DeliveryError ? err.retryable : false;
      const message = errorMessage(err);
      const attempt = d.attempts + 1;
      if (!retryable || attempt >= this.retry.maxAttempts) {
        const why = retryable ? `gave up after ${attempt} attempts: ${message}` : message;
        finish('failed', why);
        this.options.log?.(`vigil: ticketing: delivery ${d.id} to ${d.target} (case ${d.caseId}) failed: ${why}`);
        return;
      }
      const hinted = err instanceof DeliveryError ? err.retryAfterMs : undefined;
      const delay = hinted !== undefined ? Math.min(hinted, this.retry.maxRetryAfterMs) : backoffDelay(this.retry, attempt, this.options.random);
      finish('retry', message, this.now() + delay);
    }
  }
}
