/**
 * Streaming detection for `vigil serve`: the worker-thread DetectionStage behind the pipeline's
 * DetectionConsumer shape, its metrics, and rule reloads (API route and SIGHUP).
 */
import type { RouteDef } from '../api/router.js';
import { sendJson } from '../api/http.js';
import type { LoadReport } from '../detect/types.js';
import { DetectionStage, type DetectionStageOptions } from '../detect/stage.js';
import type { DetectionConsumer, PipelineEvent } from '../ingest/pipeline-types.js';
import type { VigilMetrics } from '../metrics/vigil-metrics.js';

export class StreamingDetection implements DetectionConsumer {
  readonly stage: DetectionStage;
  private lastReport: LoadReport | undefined;

  constructor(options: DetectionStageOptions, metrics: VigilMetrics) {
    this.stage = new DetectionStage({
      ...options,
      onLatency: (ms) => { metrics.detectionLatency.observe(Math.max(0, ms) / 1000); options.onLatency?.(ms); },
      onAlert: (alert, created) => { metrics.alertsTotal.inc({ level: alert.level ?? 'none' }); options.onAlert?.(alert, created); },
    });
  }

  async start(): Promise<LoadReport> {
    this.lastReport = await this.stage.start();
    return this.lastReport;
  }

  push(events: readonly PipelineEvent[]): void {
    this.stage.push(events);
  }

  get congested(): boolean {
    return this.stage.behind;
  }

  onDrain(fn: () => void): void {
    if (!this.stage.behind) fn();
    else void this.stage.waitForCapacity().then(fn);
  }

  async close(): Promise<void> {
    await this.stage.close();
  }

  /** Loads `paths` while detection goes on, then swaps; events are never skipped or detected twice. */
  async reload(paths: string[]): Promise<LoadReport> {
    const report = await this.stage.reload(paths);
    if (report.applied) this.lastReport = report;
    return report;
  }

  get report(): LoadReport | undefined {
    return this.lastReport;
  }
}

/** `POST /api/v1/rules/reload`: 200 with the load report, 422 when nothing loaded and the old rules stay. */
export function reloadRoutes(reload: () => Promise<LoadReport>): RouteDef[] {
  return [{
    method: 'POST', path: '/api/v1/rules/reload', permission: 'rules:write', summary: 'Reload the Sigma rules from disk without losing events',
    handler: async ({ res }) => {
      const report = await reload();
      sendJson(res, report.applied ? 200 : 422, report);
    },
  }];
}
