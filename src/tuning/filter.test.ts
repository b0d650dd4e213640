import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { DetectedAlert } from '../detect/types.js';
import { openSqliteStores } from '../storage/sqlite/index.js';
import { TuningFilter } from './filter.js';
import type { TunableEvent } from './event-fields.js';

const NOW = Date.now();

function occurrence(eventIds: number[], count = eventIds.length, kind: DetectedAlert['kind'] = 'match'): DetectedAlert {
  return { kind, ruleId: 'r1', title: 'T', level: 'high', tags: [], author: null, eventIds, hostName: 'h1', userName: null, fields: [], groupKey: 'h1', count };
}

function setup() {
  const stores = openSqliteStores(':memory:');
  const events = new Map<number, TunableEvent>();
  for (let id = 1; id <= 6; id++) events.set(id, { core: { 'host.name': 'h1', 'process.command_line': id % 2 ? 'backup.exe' : 'other.exe' }, original: {} });
  const filter = new TuningFilter(stores.tuning, () => undefined, 600_000);
  const batch = (id: number): TunableEvent | undefined => events.get(id);
  return { stores, filter, batch };
}

test('an exception splits a coalesced occurrence per event; each part is counted where it went', () => {
  const { stores, filter, batch } = setup();
  const ex = stores.tuning.addException({ ruleId: 'r1', conditions: [{ field: 'process.command_line', op: 'equals', value: 'backup.exe' }], owner: 'o', reason: 'r', expires: NOW + 60_000, createdBy: 'o' });
  filter.refresh();
  const kept = filter.apply(occurrence([1, 2, 3, 4]), batch, NOW);
  assert.deepEqual(kept?.eventIds, [2, 4]);
  assert.equal(kept?.count, 2);
  assert.equal(stores.tuning.getException(ex.id)!.hits, 2);
  assert.deepEqual(stores.tuning.listHeld({ refId: ex.id }).alerts[0]!.eventIds, [1, 3]);
  // Occurrences beyond the kept event ids follow the others only when all of them agree.
  assert.equal(filter.apply(occurrence([1, 3], 5), batch, NOW), null);
  assert.equal(stores.tuning.getException(ex.id)!.hits, 7);
  const mixed = filter.apply(occurrence([1, 2], 10), batch, NOW);
  assert.deepEqual([mixed?.eventIds, mixed?.count], [[2], 9], 'unseen occurrences of a mixed group are alerted, not hidden');
  stores.close();
});

test('nothing applies outside its window or after expiry; other rules are untouched', () => {
  const { stores, filter, batch } = setup();
  stores.tuning.addSuppression({ ruleId: null, host: 'H1', user: null, query: null, start: NOW + 1000, expires: NOW + 2000, owner: 'o', reason: 'r', createdBy: 'o' });
  stores.tuning.addException({ ruleId: 'r2', conditions: [{ field: 'host.name', op: 'equals', value: 'h1' }], owner: 'o', reason: 'r', expires: NOW + 60_000, createdBy: 'o' });
  filter.refresh();
  const d = occurrence([1, 2]);
  assert.equal(filter.apply(d, batch, NOW), d, 'before the window');
  assert.equal(filter.apply(d, batch, NOW + 1500), null, 'inside the window');
  assert.equal(filter.apply(d, batch, NOW + 2000), d, 'at expiry it has ended');
  stores.close();
});

test('a correlation is judged on its newest event, read from the store when not in the batch', () => {
  const stores = openSqliteStores(':memory:');
  const stored: TunableEvent = { core: { 'user.name': 'svc' }, original: {} };
  const filter = new TuningFilter(stores.tuning, (id) => (id === 9 ? stored : undefined), 600_000);
  stores.tuning.addSuppression({ ruleId: 'r1', host: null, user: null, query: 'user.name:svc', start: NOW - 1, expires: NOW + 1000, owner: 'o', reason: 'r', createdBy: 'o' });
  filter.refresh();
  assert.equal(filter.apply(occurrence([7, 8, 9], 1, 'correlation'), () => undefined, NOW), null);
  assert.equal(stores.tuning.listHeld().alerts[0]!.kind, 'correlation');
  assert.notEqual(filter.apply(occurrence([9, 8], 1, 'correlation'), () => undefined, NOW), null);
  stores.close();
});
