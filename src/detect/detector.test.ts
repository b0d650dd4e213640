import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadRulesFromText } from '../sigma/loader/load.js';
import { AutoEngine } from '../sigma/engine/auto.js';
import type { Alert, AlertStore, NewAlert } from '../storage/ports.js';
import { Detector } from './detector.js';

/** A minimal in-memory AlertStore for the detector's grouping logic. */
function memoryAlerts(): AlertStore & { all: Alert[] } {
  const all: Alert[] = [];
  return {
    all,
    insert(a: NewAlert): Alert {
      const { at, ...rest } = a;
      const alert: Alert = { ...rest, id: all.length + 1, status: 'open', count: 1, firstSeen: at, lastSeen: at, lastEventId: a.eventId };
      all.push(alert);
      return alert;
    },
    findGroupable: (ruleId, host, since) => [...all].reverse().find((x) => x.ruleId === ruleId && x.hostName === host && x.status !== 'closed' && x.lastSeen >= since),
    increment(id, at, eventId) {
      const a = all.find((x) => x.id === id);
      if (a) { a.count++; a.lastSeen = Math.max(a.lastSeen, at); a.lastEventId = eventId; }
      return a;
    },
    list: () => ({ total: all.length, alerts: all }),
    get: (id) => all.find((x) => x.id === id),
    updateStatus(id, status) { const a = all.find((x) => x.id === id); if (a) a.status = status; return a; },
  };
}

const rules = loadRulesFromText(`
title: Mimikatz command line
id: 44444444-4444-4444-8444-444444444444
author: Vigil tests
level: high
tags: [attack.t1003]
logsource: { category: process_creation }
detection:
  sel:
    process.command_line|contains: mimikatz
  condition: sel
`).rules;

const ev = (id: number, host: string) => ({
  id, core: { 'host.name': host, 'user.name': 'bob' }, logsource: {}, original: { process: { command_line: 'run mimikatz' } },
});

test('matches become alerts with the rule metadata; same rule + host within 10 minutes groups', () => {
  const alerts = memoryAlerts();
  const d = new Detector(new AutoEngine(rules), alerts);
  const T = 1_000_000_000;
  const first = d.process([ev(1, 'h1'), { ...ev(2, 'h1'), original: { process: { command_line: 'benign' } } }], T);
  assert.equal(first.length, 1);
  assert.equal(first[0]!.created, true);
  assert.deepEqual(
    { ruleId: first[0]!.alert.ruleId, level: first[0]!.alert.level, author: first[0]!.alert.author, tags: first[0]!.alert.tags, user: first[0]!.alert.userName },
    { ruleId: '44444444-4444-4444-8444-444444444444', level: 'high', author: 'Vigil tests', tags: ['attack.t1003'], user: 'bob' },
  );
  assert.equal(d.process([ev(3, 'h1')], T + 9 * 60_000)[0]!.created, false);
  assert.equal(alerts.all[0]!.count, 2);
  assert.equal(d.process([ev(4, 'h2')], T + 9 * 60_000)[0]!.created, true, 'other host: new alert');
  assert.equal(d.process([ev(5, 'h1')], T + 20 * 60_000)[0]!.created, true, 'outside the window: new alert');
  assert.equal(alerts.all.length, 3);
  assert.deepEqual(d.stats(), { matched: 4, failures: 0 });
});
