/**
 * Vigil's Prometheus metrics on a registry of their own (no prom-client globals), so several servers in
 * one process (tests, benchmarks) never share counters. Implements the pipeline's IngestObserver and
 * the detection stage's DetectionObserver; counters move once per batch, not per event.
 */
import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { AlertObservation, DetectionObserver, IngestObserver } from '../ingest/pipeline-types.js';

export const LATENCY_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 30];
export const COMMIT_BUCKETS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5];

export class VigilMetrics implements IngestObserver, DetectionObserver {
  readonly registry = new Registry();
  readonly receivedTotal: Counter<'source'>;
  readonly storedTotal: Counter<'source'>;
  readonly droppedTotal: Counter<'source' | 'reason'>;
  readonly rejectedTotal: Counter<'source'>;
  readonly queueDepthGauge: Gauge;
  readonly commitSeconds: Histogram;
  readonly detectionLatency: Histogram;
  readonly alertsTotal: Counter<'level'>;
  readonly rulesLoaded: Gauge;

  constructor() {
    const registers = [this.registry];
    this.receivedTotal = new Counter({ name: 'vigil_events_received_total', help: 'Events submitted by receivers (stored, rejected, dropped or still queued)', labelNames: ['source'], registers });
    this.storedTotal = new Counter({ name: 'vigil_events_stored_total', help: 'Events committed to the store', labelNames: ['source'], registers });
    this.droppedTotal = new Counter({ name: 'vigil_events_dropped_total', help: 'Events not stored: overload, store failure, receiver drops (UDP overflow, oversize or unparsable frames)', labelNames: ['source', 'reason'], registers });
    this.rejectedTotal = new Counter({ name: 'vigil_events_rejected_total', help: 'Inputs refused as bad (no profile could normalize them)', labelNames: ['source'], registers });
    this.queueDepthGauge = new Gauge({ name: 'vigil_ingest_queue_depth', help: 'Events waiting for a commit', registers });
    this.commitSeconds = new Histogram({ name: 'vigil_ingest_commit_seconds', help: 'Duration of one group commit (store transaction)', buckets: COMMIT_BUCKETS, registers });
    this.detectionLatency = new Histogram({ name: 'vigil_detection_latency_seconds', help: 'Time from an event\'s receipt to its alert being recorded', buckets: LATENCY_BUCKETS, registers });
    this.alertsTotal = new Counter({ name: 'vigil_alerts_total', help: 'Rule matches recorded as alerts (new alerts and occurrences grouped into open ones)', labelNames: ['level'], registers });
    this.rulesLoaded = new Gauge({ name: 'vigil_rules_loaded', help: 'Sigma rules loaded', registers });
    const listeners = (): typeof this.syslogListeners => this.syslogListeners;
    new Gauge({
      name: 'vigil_syslog_connections', help: 'Open syslog TCP/TLS connections', labelNames: ['source'], registers,
      collect() { this.reset(); for (const l of listeners()) this.set({ source: l.source }, l.stats().connections.open); },
    });
    new Gauge({
      name: 'vigil_syslog_paused', help: '1 while a syslog listener has paused reading (backpressure)', labelNames: ['source'], registers,
      collect() { this.reset(); for (const l of listeners()) this.set({ source: l.source }, l.stats().paused ? 1 : 0); },
    });
  }

  received(source: string, n: number): void { this.receivedTotal.inc({ source }, n); }
  stored(source: string, n: number): void { this.storedTotal.inc({ source }, n); }
  rejected(source: string, n: number): void { this.rejectedTotal.inc({ source }, n); }
  dropped(source: string, n: number, reason: string): void { this.droppedTotal.inc({ source, reason }, n); }
  queueDepth(events: number): void { this.queueDepthGauge.set(events); }
  commit(seconds: number): void { this.commitSeconds.observe(seconds); }

  alerts(observations: readonly AlertObservation[]): void {
    const byLevel = new Map<string, number>();
    for (const o of observations) {
      this.detectionLatency.observe(Math.max(0, o.latencyMs) / 1000);
      const level = o.level ?? 'none';
      byLevel.set(level, (byLevel.get(level) ?? 0) + 1);
    }
    for (const [level, n] of byLevel) this.alertsTotal.inc({ level }, n);
  }

  setRulesLoaded(n: number): void { this.rulesLoaded.set(n); }

  /** Exposes a syslog listener's live connection count and paused state, read at scrape time. */
  watchSyslog(listener: { readonly source: string; stats(): { connections: { open: number }; paused: boolean } }): void {
    this.syslogListeners.push(listener);
  }

  private readonly syslogListeners: { readonly source: string; stats(): { connections: { open: number }; paused: boolean } }[] = [];

  /** The Prometheus text exposition and its content type. */
  async exposition(): Promise<{ contentType: string; text: string }> {
    return { contentType: this.registry.contentType, text: await this.registry.metrics() };
  }
}
