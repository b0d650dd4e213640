import { test } from 'node:test';
import assert from 'node:assert/strict';
import { bucketsOf, histogramQuantile } from './quantile.js';
import { VigilMetrics } from './vigil-metrics.js';

test('two VigilMetrics never share counters (no prom-client global registry)', async () => {
  const a = new VigilMetrics();
  const b = new VigilMetrics();
  a.received('http', 3);
  a.dropped('syslog-udp', 2, 'overflow');
  const text = (await a.exposition()).text;
  assert.match(text, /^vigil_events_received_total\{source="http"\} 3$/m);
  assert.match(text, /^vigil_events_dropped_total\{source="syslog-udp",reason="overflow"\} 2$/m);
  assert.doesNotMatch((await b.exposition()).text, /source="http"/);
});

test('alert observations count by level and fill the latency histogram', async () => {
  const m = new VigilMetrics();
  m.alerts([
    { level: 'high', created: true, latencyMs: 40 },
    { level: 'high', created: false, latencyMs: 60 },
    { level: null, created: true, latencyMs: 3000 },
  ]);
  const text = (await m.exposition()).text;
  assert.match(text, /^vigil_alerts_total\{level="high"\} 2$/m);
  assert.match(text, /^vigil_alerts_total\{level="none"\} 1$/m);
  assert.match(text, /^vigil_detection_latency_seconds_bucket\{le="0.05"\} 1$/m);
  assert.match(text, /^vigil_detection_latency_seconds_count 3$/m);
});

test('histogramQuantile interpolates inside the bucket like PromQL', async () => {
  const m = new VigilMetrics();
  m.alerts(Array.from({ length: 100 }, (_, i) => ({ level: 'low', created: true, latencyMs: i < 90 ? 20 : 700 })));
  const buckets = await bucketsOf(m.detectionLatency);
  // 90 observations in (0.01, 0.025], 10 in (0.5, 1].
  const p50 = histogramQuantile(buckets, 0.5);
  assert.ok(p50 > 0.01 && p50 <= 0.025, `p50 ${p50}`);
  const p99 = histogramQuantile(buckets, 0.99);
  assert.ok(p99 > 0.5 && p99 <= 1, `p99 ${p99}`);
  assert.ok(Number.isNaN(histogramQuantile([], 0.5)));
  assert.equal(histogramQuantile([{ le: 1, count: 0 }, { le: Infinity, count: 4 }], 0.5), 1, 'beyond the last bound: the last finite bound');
});
