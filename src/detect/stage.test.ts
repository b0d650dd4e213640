import { test } from 'node:test';
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Worker } from 'node:worker_threads';
import type { VigilError } from '../core/errors.js';
import { BRUTE_FORCE, MIMIKATZ, SUDO_BURST, T0, WHOAMI, fixture, logon, proc } from './testing/fixtures.js';
import { encodeBatch } from './stage.js';
import type { StageEvent } from './types.js';

test('a matching event becomes an alert with the rule metadata, host, user and event; latency per event', async (t) => {
  const f = fixture();
  t.after(() => f.close());
  const latencies: number[] = [];
  const stage = f.stage([f.rules({ 'm.yml': MIMIKATZ })], { onLatency: (ms) => latencies.push(ms), clock: () => T0 + 250 });
  const report = await stage.start();
  assert.deepEqual({ loaded: report.loaded, errors: report.errors, applied: report.applied }, { loaded: 1, errors: [], applied: true });
  const events = f.commit([proc('h1', 'run mimikatz now'), proc('h1', 'notepad')]);
  assert.equal(stage.push(events), true);
  await stage.idle();
  const { alerts } = f.stores.alerts.list();
  assert.equal(alerts.length, 1);
  const a = alerts[0]!;
  assert.deepEqual(
    { ruleId: a.ruleId, title: a.title, level: a.level, tags: a.tags, author: a.author, host: a.hostName, user: a.userName, kind: a.kind, eventIds: a.eventIds, count: a.count },
    { ruleId: '44444444-4444-4444-8444-444444444444', title: 'Mimikatz command line', level: 'high', tags: ['attack.t1003'], author: 'Vigil tests', host: 'h1', user: 'bob', kind: 'match', eventIds: [events[0]!.id], count: 1 },
  );
  assert.deepEqual(a.fields, [{ field: 'process.command_line', value: 'run mimikatz now' }]);
  assert.deepEqual(latencies, [250, 250], 'one observation per event, matched or not');
  assert.equal(stage.stats().detected, 2);
  assert.equal(stage.depth, 0);
});

test('the same rule and host within the window counts on the open alert; another host or a later window is a new alert', async (t) => {
  const f = fixture();
  t.after(() => f.close());
  const created: boolean[] = [];
  const stage = f.stage([f.rules({ 'm.yml': MIMIKATZ })], { onAlert: (_a, c) => created.push(c) });
  await stage.start();
  const first = f.commit([proc('h1', 'mimikatz'), proc('h1', 'mimikatz'), proc('h2', 'mimikatz')], T0);
  stage.push(first);
  const later = f.commit([proc('h1', 'mimikatz')], T0 + 9 * 60_000);
  stage.push(later);
  const outside = f.commit([proc('h1', 'mimikatz')], T0 + 30 * 60_000);
  stage.push(outside);
  await stage.idle();
  const { alerts } = f.stores.alerts.list({ limit: 10 });
  const summary = alerts.map((a) => [a.hostName, a.count, a.eventIds]).sort((x, y) => String(x).localeCompare(String(y)));
  assert.deepEqual(summary, [
    ['h1', 1, [outside[0]!.id]],
    ['h1', 3, [first[0]!.id, first[1]!.id, later[0]!.id]],
    ['h2', 1, [first[2]!.id]],
  ]);
  assert.deepEqual(created, [true, true, false, true], 'one write per rule and host of a batch');
  assert.deepEqual({ c: stage.stats().alertsCreated, g: stage.stats().alertsGrouped }, { c: 3, g: 2 });
});

test('a correlation raises one alert with all its events; its base rule alone does not alert; refiring groups on it', async (t) => {
  const f = fixture();
  t.after(() => f.close());
  const stage = f.stage([f.rules({ 'brute.yml': BRUTE_FORCE })]);
  const report = await stage.start();
  assert.equal(report.correlations, 1);
  const alice = f.commit([logon('alice', 0), logon('bob', 1), logon('alice', 10)]);
  stage.push(alice);
  const third = f.commit([logon('alice', 50), logon('bob', 400)]);
  stage.push(third);
  await stage.idle();
  let { alerts } = f.stores.alerts.list();
  assert.equal(alerts.length, 1, 'base rule matches are correlation-only; bob has 2 in 5 minutes');
  const a = alerts[0]!;
  assert.deepEqual(
    { ruleId: a.ruleId, title: a.title, author: a.author, level: a.level, tags: a.tags, kind: a.kind, group: a.group, fields: a.fields, host: a.hostName, user: a.userName, count: a.count },
    { ruleId: '66666666-6666-4666-8666-666666666666', title: 'Many failed logons', author: 'Corr Author', level: 'high', tags: ['attack.t1110'], kind: 'correlation', group: { 'user.name': 'alice' }, fields: [{ field: 'user.name', value: 'alice' }], host: 'dc1', user: 'alice', count: 1 },
  );
  assert.deepEqual(a.eventIds, [alice[0]!.id, alice[2]!.id, third[0]!.id]);
  // Three more for alice: the correlation fires again for the same group, counted on the open alert.
  stage.push(f.commit([logon('alice', 60), logon('alice', 61), logon('alice', 62)]));
  await stage.idle();
  ({ alerts } = f.stores.alerts.list());
  assert.equal(alerts.length, 1);
  assert.equal(alerts[0]!.count, 2);
  assert.equal(alerts[0]!.eventIds.length, 6);
});

test('generate: true keeps the base rule alerting next to its correlation', async (t) => {
  const f = fixture();
  t.after(() => f.close());
  const stage = f.stage([f.rules({ 'sudo.yml': SUDO_BURST })]);
  await stage.start();
  stage.push(f.commit([{ host: { name: 'web1' }, process: { name: 'sudo' } }, { host: { name: 'web1' }, process: { name: 'sudo' } }]));
  await stage.idle();
  const byRule = Object.fromEntries(f.stores.alerts.list().alerts.map((a) => [a.title, [a.kind, a.count, a.eventIds.length]]));
  assert.deepEqual(byRule, { 'Sudo use': ['match', 2, 2], 'Sudo burst': ['correlation', 1, 2] });
});

test('reload during a stream: every event is detected exactly once, by the old or the new rules', async (t) => {
  const f = fixture();
  t.after(() => f.close());
  const stage = f.stage([f.rules({ 'm.yml': MIMIKATZ })], { maxInFlight: 100_000 });
  await stage.start();
  const newRules = f.rules({ 'm.yml': MIMIKATZ, 'w.yml': WHOAMI });
  const pushed: number[] = [];
  let n = 0;
  const pushSome = () => {
    // Each event on its own host: one alert per event, so duplicates or gaps show.
    const batch = f.commit(Array.from({ length: 20 }, () => proc(`h${n++}`, 'mimikatz && whoami')));
    pushed.push(...batch.map((e) => e.id));
    stage.push(batch);
  };
  let swapped = false;
  const reload = stage.reload([newRules]).then((r) => { swapped = true; return r; });
  let detectedBeforeSwap = 0;
  while (!swapped) {
    pushSome();
    detectedBeforeSwap = stage.stats().detected;
    await sleep(1);
  }
  for (let i = 0; i < 20; i++) pushSome();
  const report = await reload;
  await stage.idle();
  assert.deepEqual({ loaded: report.loaded, applied: report.applied, errors: report.errors }, { loaded: 2, applied: true, errors: [] });
  assert.ok(detectedBeforeSwap > 0, 'the old worker kept detecting while the new one compiled');
  const alerts = f.stores.alerts.list({ limit: 500 });
  const mimikatz: number[] = [];
  let page = 0;
  for (;;) {
    const { alerts: rows } = f.stores.alerts.list({ limit: 500, offset: page++ * 500 });
    if (rows.length === 0) break;
    for (const a of rows) if (a.title === 'Mimikatz command line') mimikatz.push(...Array.from({ length: a.count }, () => a.eventId));
  }
  assert.ok(alerts.total > pushed.length, 'whoami alerts from the new rules too');
  assert.deepEqual(mimikatz.sort((a, b) => a - b), pushed, 'each event alerted on once, none skipped');
  assert.equal(stage.stats().detected, pushed.length);
});

test('a rule set with errors loads its good rules and reports each error with file, line and column; nothing loadable keeps the old rules', async (t) => {
  const f = fixture();
  t.after(() => f.close());
  const stage = f.stage([f.rules({ 'm.yml': MIMIKATZ })]);
  await stage.start();
  const bad = 'title: Broken\nlogsource: { category: process_creation }\ndetection:\n  sel:\n    Image|nosuchmodifier: x\n  condition: sel\n';
  const folder = f.rules({ 'w.yml': WHOAMI, 'bad.yml': bad, 'syntax.yml': 'title: [unclosed\n' });
  const report = await stage.reload([folder]);
  assert.equal(report.applied, true);
  assert.equal(report.loaded, 1);
  const where = report.errors.map((e) => [e.file?.split('/').pop(), e.line, typeof e.column]);
  assert.deepEqual(where.sort(), [['bad.yml', 5, 'number'], ['syntax.yml', 2, 'number']].sort());
  assert.match(report.errors.find((e) => e.file?.endsWith('bad.yml'))!.message, /nosuchmodifier/);
  stage.push(f.commit([proc('h1', 'whoami'), proc('h1', 'mimikatz')]));
  await stage.idle();
  assert.deepEqual(f.stores.alerts.list().alerts.map((a) => a.title), ['Whoami'], 'the new set replaced the old one');

  const missing = await stage.reload([`${f.dir}/no-such-folder`]);
  assert.equal(missing.applied, false);
  assert.equal(missing.loaded, 0);
  assert.match(missing.errors[0]!.message, /cannot read/);
  stage.push(f.commit([proc('h2', 'whoami')]));
  await stage.idle();
  assert.equal(f.stores.alerts.list().total, 2, 'still detecting with the previous set');
});

test('a worker that dies is replaced and its unanswered batches are re-run, not lost or doubled', async (t) => {
  const f = fixture();
  t.after(() => f.close());
  const workers: Worker[] = [];
  const restarts: { reason: string; rerun: number }[] = [];
  const errors: VigilError[] = [];
  const stage = f.stage([f.rules({ 'm.yml': MIMIKATZ })], {
    onWorker: (w) => workers.push(w), onRestart: (r) => restarts.push(r), onError: (e) => errors.push(e),
  });
  await stage.start();
  const events = f.commit(Array.from({ length: 50 }, (_, i) => proc(`h${i}`, 'mimikatz')));
  stage.push(events.slice(0, 25));
  stage.push(events.slice(25));
  // Killed before its answers can reach this thread (they would need this turn of the event loop).
  void workers[0]!.terminate();
  await stage.idle();
  assert.equal(workers.length, 2, 'one replacement worker');
  assert.equal(restarts.length, 1);
  // Terminating is asynchronous: an answer the worker posted just before may still arrive and count.
  // What must hold whatever the timing: something was re-run and every event is detected exactly once.
  assert.ok(restarts[0]!.rerun > 0 && restarts[0]!.rerun <= 50, `re-ran ${restarts[0]!.rerun} events`);
  assert.ok(errors.some((e) => e.code === 'detect.worker.died'));
  const alerts = f.stores.alerts.list({ limit: 100 }).alerts;
  assert.deepEqual(alerts.map((a) => a.eventId).sort((a, b) => a - b), events.map((e) => e.id));
  assert.ok(alerts.every((a) => a.count === 1));
  assert.deepEqual({ restarts: stage.stats().restarts, failed: stage.stats().failedEvents, detected: stage.stats().detected }, { restarts: 1, failed: 0, detected: 50 });
  // The replacement keeps detecting.
  stage.push(f.commit([proc('late', 'mimikatz')]));
  await stage.idle();
  assert.equal(f.stores.alerts.list().total, 51);
});

test('an event that kills every worker is given up alone after maxAttempts; the rest of its batch is detected', async (t) => {
  const f = fixture();
  t.after(() => f.close());
  const errors: VigilError[] = [];
  // A worker with a small heap dies on an event too big for it (a real out-of-memory death).
  const stage = f.stage([f.rules({ 'm.yml': MIMIKATZ })], {
    resourceLimits: { maxOldGenerationSizeMb: 24, maxYoungGenerationSizeMb: 4 }, onError: (e) => errors.push(e),
  });
  await stage.start();
  const huge = proc('big', 'x'.repeat(1 << 20));
  (huge as Record<string, unknown>)['blob'] = Array.from({ length: 64 }, (_, i) => 'y'.repeat(1 << 20) + i);
  const events = f.commit([proc('a', 'mimikatz'), huge, proc('b', 'mimikatz')]);
  stage.push(events);
  await stage.idle();
  const s = stage.stats();
  assert.equal(s.failedEvents, 1);
  assert.equal(s.restarts, 3);
  assert.deepEqual(f.stores.alerts.list().alerts.map((a) => a.hostName).sort(), ['a', 'b']);
  assert.ok(errors.some((e) => e.code === 'detect.batch.failed' && e.message.includes(`event ${events[1]!.id}`)));
});

test('push reports when the stage is behind and waitForCapacity resolves once it caught up', async (t) => {
  const f = fixture();
  t.after(() => f.close());
  const stage = f.stage([f.rules({ 'm.yml': MIMIKATZ })], { maxInFlight: 10 });
  await stage.start();
  assert.equal(stage.push(f.commit(Array.from({ length: 5 }, () => proc('h', 'x')))), true);
  assert.equal(stage.push(f.commit(Array.from({ length: 5 }, () => proc('h', 'x')))), false);
  assert.equal(stage.behind, true);
  assert.equal(stage.depth, 10);
  await stage.waitForCapacity();
  assert.equal(stage.behind, false);
  await stage.idle();
  assert.equal(stage.depth, 0);
});

test('an idle stream still closes correlation windows: a "fewer than" condition is decided as wall time passes', async (t) => {
  const f = fixture();
  t.after(() => f.close());
  const rules = `title: Heartbeat
id: aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa
name: heartbeat
logsource: { category: application }
detection:
  sel: { event.action: heartbeat }
  condition: sel
---
title: Few heartbeats
id: bbbbbbbb-bbbb-4bbb-8bbb-bbbbbbbbbbbb
level: medium
correlation:
  type: event_count
  rules: [heartbeat]
  group-by: [host.name]
  timespan: 1s
  condition: { lt: 2 }
`;
  const stage = f.stage([f.rules({ 'hb.yml': rules })], { flushIntervalMs: 50 });
  await stage.start();
  const events = f.commit([{ '@timestamp': new Date(T0).toISOString(), host: { name: 'h1' }, event: { action: 'heartbeat' } }]);
  stage.push(events);
  await stage.idle();
  assert.equal(f.stores.alerts.list().total, 0, 'the window is still open');
  for (let i = 0; i < 100 && f.stores.alerts.list().total === 0; i++) await sleep(50);
  const [a] = f.stores.alerts.list().alerts;
  assert.deepEqual([a?.title, a?.kind, a?.group, a?.eventIds], ['Few heartbeats', 'correlation', { 'host.name': 'h1' }, [events[0]!.id]]);
});

const withJson = (e: StageEvent): StageEvent => ({
  ...e, json: { core: JSON.stringify(e.core), logsource: JSON.stringify(e.logsource), original: JSON.stringify(e.original) },
});

test('events that carry their JSON text go to the worker as one string and are detected the same', async (t) => {
  const f = fixture();
  t.after(() => f.close());
  const stage = f.stage([f.rules({ 'm.yml': MIMIKATZ })]);
  await stage.start();
  const events = f.commit([proc('h1', 'run mimikatz now'), proc('h2', 'notepad'), proc('h3', 'mimikatz.exe')]).map(withJson);
  const text = encodeBatch(events);
  assert.ok(text !== undefined);
  assert.deepEqual(JSON.parse(text), events.map(({ json: _json, ...rest }) => rest), 'the text decodes to the events themselves');
  assert.equal(encodeBatch([...events, { ...events[0]!, json: undefined }]), undefined, 'one event without its text: the batch is cloned instead');
  assert.equal(encodeBatch([{ ...events[0]!, receivedAt: Number.NaN }]), undefined, 'a number JSON cannot carry: cloned instead');
  stage.push(events);
  await stage.idle();
  const alerts = f.stores.alerts.list().alerts;
  assert.deepEqual(alerts.map((a) => [a.hostName, a.userName, a.eventIds]).sort(), [['h1', 'bob', [events[0]!.id]], ['h3', 'bob', [events[2]!.id]]]);
  assert.deepEqual({ detected: stage.stats().detected, failures: stage.stats().engineFailures }, { detected: 3, failures: 0 });
});
