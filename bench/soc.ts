/**
 * SOC metrics and the triage views over N stored alerts (VIGIL_BENCH_SOC_N, default 100000) spread over
 * 30 days in a temp SQLite store, a third acknowledged and a third closed with dispositions: time of one
 * metrics report (all durations, SLA, precision, volume) per `by`, the grouped view and a filtered page.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { ALERT_DISPOSITIONS } from '../src/storage/ports.js';
import { openSqliteStores } from '../src/storage/sqlite/index.js';
import { SocMetrics } from '../src/triage/soc.js';
import { DEFAULT_SLA } from '../src/triage/sla.js';

const DAY = 86_400_000;
const LEVELS = ['low', 'medium', 'high', 'critical'];

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

function time(fn: () => unknown, runs = 5): number {
  const ms: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    fn();
    ms.push(performance.now() - t);
  }
  return median(ms);
}

export async function benchSoc(): Promise<string> {
  const n = Number(process.env['VIGIL_BENCH_SOC_N'] ?? 100_000);
  const dir = mkdtempSync(join(tmpdir(), 'vigil-bench-soc-'));
  const stores = openSqliteStores(dir);
  try {
    const t0 = Date.UTC(2025, 0, 1);
    const step = Math.floor((30 * DAY) / n);
    stores.transaction(() => {
      for (let i = 0; i < n; i++) {
        const at = t0 + i * step;
        const a = stores.alerts.insert({
          ruleId: `rule-${i % 300}`, title: `Rule ${i % 300}`, level: LEVELS[i % 4]!, tags: [], author: null, eventId: i + 1,
          hostName: `ws${i % 500}`, userName: `user${i % 80}`, fields: [], at,
        });
        if (i % 3 === 1) stores.alerts.update(a.id, { status: 'acknowledged', acknowledgedAt: at + (i % 97) * 60_000, assignee: `analyst${i % 7}`, assignedAt: at });
        if (i % 3 === 2) {
          stores.alerts.update(a.id, {
            status: 'closed', acknowledgedAt: at + (i % 89) * 60_000, closedAt: at + (i % 1009) * 60_000,
            disposition: ALERT_DISPOSITIONS[i % 4]!, reason: 'bench', assignee: `analyst${i % 7}`, assignedAt: at,
          });
        }
      }
    });
    const soc = new SocMetrics(stores.soc, DEFAULT_SLA, () => t0 + 31 * DAY);
    const range = { from: t0, to: t0 + 31 * DAY };
    const rows = [
      ['report (totals)', time(() => soc.report(range))],
      ['report by=rule', time(() => soc.report({ ...range, by: 'rule' }))],
      ['report by=severity', time(() => soc.report({ ...range, by: 'severity' }))],
      ['report by=analyst', time(() => soc.report({ ...range, by: 'analyst' }))],
      ['groups by=rule window=1h (first 100)', time(() => stores.alerts.groups({ by: 'rule', windowMs: 3_600_000 }))],
      ['list status=new,acknowledged level=high q=rule 1 (page of 50)', time(() => stores.alerts.list({ status: ['new', 'acknowledged'], level: 'high', q: 'rule 1' }))],
    ] as const;
    return [
      `## SOC metrics and triage views (${n.toLocaleString('en-US')} alerts over 30 days)`,
      '',
      '| query | median of 5 (ms) |',
      '|---|---:|',
      ...rows.map(([name, ms]) => `| ${name} | ${ms.toFixed(1)} |`),
      '',
    ].join('\n');
  } finally {
    stores.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
