/** Prometheus scrape endpoint. */
import type { RouteDef } from '../router.js';

/** Anything that renders the Prometheus text exposition (VigilMetrics does). */
export interface MetricsSource {
  exposition(): Promise<{ contentType: string; text: string }>;
}

export function metricsRoutes(metrics: MetricsSource): RouteDef[] {
  return [{
    method: 'GET', path: '/metrics', permission: 'metrics:read', summary: 'Prometheus metrics (text format)',
    handler: async ({ res }) => {
      const { contentType, text } = await metrics.exposition();
      res.writeHead(200, { 'content-type': contentType, 'content-length': Buffer.byteLength(text), 'cache-control': 'no-store' });
      res.end(text);
    },
  }];
}
