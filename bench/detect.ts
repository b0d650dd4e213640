import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import type { EventObject } from '../src/core/event.js';
import { DetectionStage } from '../src/detect/stage.js';
import type { StageEvent } from '../src/detect/types.js';
import { readJsonValues } from '../src/formats/jsonseq/read.js';
import { AutoEngine } from '../src/sigma/engine/auto.js';
import { loadRules } from '../src/sigma/loader/load.js';
import type { NewEvent } from '../src/storage/ports.js';
import { openSqliteStores } from '../src/storage/sqlite/index.js';

const EVENTS = 100_000;
const BATCH = 500;

function regressionEvents(dir: string): EventObject[] {
  const out: EventObject[] = [];
  const walk = (d: string) => {
    for (const e of readdirSync(d).sort()) {
      const p = join(d, e);
      if (statSync(p).isDirectory()) walk(p);
      else if (e.endsWith('.json')) for (const v of readJsonValues(readFileSync(p, 'utf8'), p)) if (!(v instanceof Error)) out.push(v.value as EventObject);
    }
  };
  walk(dir);
  return out;
}

const pct = (sorted: number[], p: number): number => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;

/**
 * The detection stage with every SigmaHQ rule: committed batches pushed at full speed (holding back
 * when it says it is behind) through the worker into SQLite alerts. Baseline: the same events matched
 * on the calling thread with AutoEngine, in the same run.
 */
export async function benchDetect(corpora: string): Promise<string> {
  const rulesDir = join(corpora, 'sigma', 'rules');
  if (!existsSync(rulesDir)) return `## Detection stage\n\nskipped: ${rulesDir} not found\n`;
  const base = regressionEvents(join(corpora, 'sigma-regression'));
  const originals = Array.from({ length: EVENTS }, (_, i) => JSON.parse(JSON.stringify(base[i % base.length])) as EventObject);

  const engine = new AutoEngine(loadRules([rulesDir]).rules);
  for (const e of originals.slice(0, 2000)) engine.match(e);
  let t = performance.now();
  let baselineMatches = 0;
  for (const e of originals) baselineMatches += engine.match(e).length;
  const baselineMs = performance.now() - t;

  const dir = mkdtempSync(join(tmpdir(), 'vigil-bench-detect-'));
  const stores = openSqliteStores(dir);
  try {
    const batches: StageEvent[][] = [];
    for (let i = 0; i < originals.length; i += BATCH) {
      const slice: NewEvent[] = originals.slice(i, i + BATCH).map((o) => ({ core: {}, logsource: {}, original: o as Record<string, unknown>, profile: 'windows_evtx' }));
      const ids = stores.events.append(slice);
      batches.push(slice.map((e, k) => ({ id: ids[k]!, core: e.core, logsource: e.logsource, original: e.original, receivedAt: 0 })));
    }
    const latencies: number[] = [];
    const stage = new DetectionStage({
      rules: [rulesDir], alerts: stores.alerts, transaction: stores.transaction, maxInFlight: 10_000,
      clock: () => performance.timeOrigin + performance.now(), onLatency: (ms) => latencies.push(ms),
    });
    t = performance.now();
    await stage.start();
    const startMs = performance.now() - t;
    const elu0 = performance.eventLoopUtilization();
    t = performance.now();
    for (const b of batches) {
      const now = performance.timeOrigin + performance.now();
      for (const e of b) e.receivedAt = now;
      if (!stage.push(b)) await stage.waitForCapacity();
    }
    await stage.idle();
    const runMs = performance.now() - t;
    const elu = performance.eventLoopUtilization(elu0);
    const stats = stage.stats();
    await stage.close();
    latencies.sort((a, b) => a - b);
    const stageRate = EVENTS / (runMs / 1000);
    const baseRate = EVENTS / (baselineMs / 1000);
    return [
      '## Detection stage (`bench/detect.ts`)',
      '',
      `${stats.rules.loaded} SigmaHQ rules; ${EVENTS.toLocaleString('en')} committed events (SigmaHQ regression records, cycled) in batches of ${BATCH}, maxInFlight 10,000, alerts written to SQLite (WAL) in a temp folder.`,
      '',
      '| measure | value |',
      '|---|---|',
      `| worker start (load + compile 3 pipelines) | ${(startMs / 1000).toFixed(1)} s |`,
      `| stage throughput | ${Math.round(stageRate).toLocaleString('en')} events/s |`,
      `| baseline: AutoEngine.match on the main thread | ${Math.round(baseRate).toLocaleString('en')} events/s (${baselineMatches.toLocaleString('en')} matches) |`,
      `| stage / baseline | ${(stageRate / baseRate).toFixed(2)} |`,
      `| main-thread event loop utilization during the run | ${(elu.utilization * 100).toFixed(0)} % |`,
      `| receipt-to-written latency p50 / p99 / max | ${pct(latencies, 50).toFixed(0)} / ${pct(latencies, 99).toFixed(0)} / ${latencies[latencies.length - 1]!.toFixed(0)} ms |`,
      `| alerts created / grouped | ${stats.alertsCreated.toLocaleString('en')} / ${stats.alertsGrouped.toLocaleString('en')} |`,
      '',
    ].join('\n');
  } finally {
    stores.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
