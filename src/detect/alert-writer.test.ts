import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadRulesFromText } from '../sigma/loader/load.js';
import { AutoEngine } from '../sigma/engine/auto.js';
import { openSqliteStores } from '../storage/sqlite/index.js';
import { DEFAULT_GROUP_WINDOW_MS, writeAlert, type WrittenAlert } from './alert-writer.js';
import { matchAlert } from './runtime.js';
import { MIMIKATZ } from './testing/fixtures.js';

const engine = new AutoEngine(loadRulesFromText(MIMIKATZ).rules);

const ev = (id: number, host: string, commandLine = 'run mimikatz') => ({
  id, core: { 'host.name': host, 'user.name': 'bob' }, logsource: {}, original: { process: { command_line: commandLine } },
});

test('matches become alerts with the rule metadata; same rule + host within the window groups', () => {
  const stores = openSqliteStores(':memory:');
  const write = (e: ReturnType<typeof ev>, at: number): WrittenAlert[] =>
    engine.match(e.original, { logsource: e.logsource }).map((m) => writeAlert(stores.alerts, matchAlert(m, e), at, DEFAULT_GROUP_WINDOW_MS));
  const T = 1_000_000_000;
  assert.deepEqual(write(ev(2, 'h1', 'benign'), T), []);
  const first = write(ev(1, 'h1'), T);
  assert.equal(first.length, 1);
  assert.equal(first[0]!.created, true);
  assert.deepEqual(
    { ruleId: first[0]!.alert.ruleId, level: first[0]!.alert.level, author: first[0]!.alert.author, tags: first[0]!.alert.tags, user: first[0]!.alert.userName },
    { ruleId: '44444444-4444-4444-8444-444444444444', level: 'high', author: 'Vigil tests', tags: ['attack.t1003'], user: 'bob' },
  );
  assert.equal(write(ev(3, 'h1'), T + 9 * 60_000)[0]!.created, false);
  assert.equal(stores.alerts.get(first[0]!.alert.id)!.count, 2);
  assert.deepEqual(stores.alerts.get(first[0]!.alert.id)!.eventIds, [1, 3]);
  assert.equal(write(ev(4, 'h2'), T + 9 * 60_000)[0]!.created, true, 'other host: new alert');
  assert.equal(write(ev(5, 'h1'), T + 20 * 60_000)[0]!.created, true, 'outside the window: new alert');
  assert.equal(stores.alerts.list().total, 3);
  stores.close();
});
