import { test } from 'node:test';
import assert from 'node:assert/strict';
import { normalize } from '../formats/profiles/registry.js';
import { loadRulesFromText } from '../sigma/loader/load.js';
import type { SigmaRule } from '../sigma/model/types.js';
import type { NewEvent, StoredEvent, Stores } from '../storage/ports.js';
import { openSqliteStores } from '../storage/sqlite/index.js';
import { retrohunt, ruleEngine, type EventScanSource } from './retrohunt.js';

const HOUR = 3_600_000;
const T0 = Date.UTC(2025, 0, 1, 12);

const set = loadRulesFromText(`
title: Whoami via Sysmon
id: 11111111-1111-4111-8111-111111111111
level: medium
logsource: { product: windows, category: process_creation }
detection:
  selection:
    Image|endswith: '\\whoami.exe'
  condition: selection
---
title: Not from the admin box
id: 22222222-2222-4222-8222-222222222222
logsource: { product: windows, category: process_creation }
filter:
  rules: [11111111-1111-4111-8111-111111111111]
  selection:
    Computer: admin01
  condition: selection
`, 'rules.yml');
assert.deepEqual(set.errors, []);
const RULE = set.rules.find((r): r is SigmaRule => r.type === 'rule')!;

function sysmon(image: string, time: number, computer = 'ws01'): NewEvent {
  const [n] = normalize({
    kind: 'json',
    value: {
      Event: {
        System: {
          Provider: { '#attributes': { Name: 'Microsoft-Windows-Sysmon' } }, EventID: 1,
          Channel: 'Microsoft-Windows-Sysmon/Operational', Computer: computer,
          TimeCreated: { '#attributes': { SystemTime: new Date(time).toISOString() } },
        },
        EventData: { Image: image, CommandLine: image, User: 'CORP\\alice' },
      },
    },
  });
  return { core: n!.core, logsource: n!.logsource, original: n!.original, profile: n!.profile };
}

function store(events: NewEvent[]): Stores {
  const stores = openSqliteStores(':memory:');
  stores.events.append(events, T0);
  return stores;
}

const WHOAMI = 'C:\\Windows\\System32\\whoami.exe';

test('scan yields every event of the half-open range in id order, a batch at a time', () => {
  const events = Array.from({ length: 25 }, (_, i) => sysmon(`C:\\x${i}.exe`, T0 + i * 1000));
  const stores = store(events);
  const batches = [...stores.events.scan({ from: T0 + 2000, to: T0 + 22_000 }, { batchSize: 7 })];
  assert.deepEqual(batches.map((b) => b.length), [7, 7, 6]);
  const ids = batches.flat().map((e) => e.id);
  assert.deepEqual(ids, Array.from({ length: 20 }, (_, i) => i + 3));
  assert.equal(batches[0]![0]!.ts, T0 + 2000);
  assert.deepEqual([...stores.events.scan({ from: 0, to: T0 })], []);
  stores.close();
});

test('retrohunt finds stored events the rule matches, with fields, host and time', async () => {
  const stores = store([
    sysmon(WHOAMI, T0 - HOUR),
    sysmon('C:\\Windows\\notepad.exe', T0 - HOUR + 1),
    sysmon(WHOAMI, T0 - 10 * HOUR),
    sysmon(WHOAMI, T0 - HOUR + 2, 'admin01'), // dropped by the filter rule
  ]);
  const result = await retrohunt(RULE, ruleEngine(RULE, set.rules), stores.events, { range: { from: T0 - 2 * HOUR, to: T0 } });
  assert.equal(result.end, 'complete');
  assert.equal(result.scanned, 3);
  assert.equal(result.matched, 1);
  assert.deepEqual(result.hits.map((h) => h.id), [1]);
  assert.equal(result.hits[0]!.host, 'ws01');
  assert.equal(result.hits[0]!.time, new Date(T0 - HOUR).toISOString());
  assert.deepEqual(result.hits[0]!.fields, [{ field: 'Image', value: WHOAMI }]);
  assert.deepEqual(result.rule, { id: RULE.id, title: RULE.title, level: 'medium' });

  const wide = await retrohunt(RULE, ruleEngine(RULE, set.rules), stores.events, { range: { from: 0, to: T0 } });
  assert.deepEqual(wide.hits.map((h) => h.id), [1, 3]);
  const before = await retrohunt(RULE, ruleEngine(RULE, set.rules), stores.events, { range: { from: 0, to: T0 - 20 * HOUR } });
  assert.equal(before.scanned, 0);
  assert.equal(before.matched, 0);
  stores.close();
});

test('retrohunt stops at the match limit and at the scan limit, saying which', async () => {
  const stores = store(Array.from({ length: 50 }, (_, i) => sysmon(i % 2 ? WHOAMI : 'C:\\a.exe', T0 - HOUR + i)));
  const engine = ruleEngine(RULE);
  const range = { from: 0, to: T0 };
  const byMatches = await retrohunt(RULE, engine, stores.events, { range, maxMatches: 3, batchSize: 4 });
  assert.equal(byMatches.end, 'max-matches');
  assert.deepEqual(byMatches.hits.map((h) => h.id), [2, 4, 6]);
  assert.equal(byMatches.scanned, 6);
  const byScan = await retrohunt(RULE, engine, stores.events, { range, maxScanned: 10, batchSize: 4 });
  assert.equal(byScan.end, 'max-scanned');
  assert.equal(byScan.scanned, 10);
  assert.equal(byScan.matched, 5);
  assert.equal(byScan.lastId, 10);
  stores.close();
});

test('retrohunt yields to the event loop between batches and can be aborted', async () => {
  // A source of endless batches: only yielding lets the timer below run and abort the hunt.
  const event = { id: 0, ts: T0, ingested: T0, ...sysmon('C:\\a.exe', T0) } as StoredEvent;
  let next = 0;
  const endless: EventScanSource = {
    *scan() {
      for (;;) yield Array.from({ length: 100 }, () => ({ ...event, id: ++next }));
    },
  };
  const controller = new AbortController();
  setTimeout(() => controller.abort(), 30);
  const result = await retrohunt(RULE, ruleEngine(RULE), endless, { range: { from: 0, to: T0 + 1 }, signal: controller.signal });
  assert.equal(result.end, 'aborted');
  assert.ok(result.scanned >= 100);
  const timed = await retrohunt(RULE, ruleEngine(RULE), endless, { range: { from: 0, to: T0 + 1 }, maxMillis: 20 });
  assert.equal(timed.end, 'max-millis');
});
