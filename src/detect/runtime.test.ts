import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MAX_ALERT_EVENTS } from '../storage/ports.js';
import { coalesce } from './runtime.js';
import type { DetectedAlert } from './types.js';

const occurrence = (ruleId: string, groupKey: string | null, id: number): DetectedAlert => ({
  kind: 'match', ruleId, title: ruleId, level: null, tags: [], author: null, eventIds: [id], hostName: groupKey,
  userName: null, fields: [], groupKey, count: 1,
});

test('coalesce: one occurrence per rule and group key with the count, bounded ids ending with the newest', () => {
  const many = Array.from({ length: MAX_ALERT_EVENTS + 50 }, (_, i) => occurrence('r', 'h', i + 1));
  const out = coalesce([...many, occurrence('r', null, 900), occurrence('r2', 'h', 901), occurrence('r', null, 902)]);
  assert.deepEqual(out.map((a) => [a.ruleId, a.groupKey, a.count]), [['r', 'h', MAX_ALERT_EVENTS + 50], ['r', null, 2], ['r2', 'h', 1]]);
  const first = out[0]!;
  assert.equal(first.eventIds.length, MAX_ALERT_EVENTS);
  assert.equal(first.eventIds[0], 1);
  assert.equal(first.eventIds[MAX_ALERT_EVENTS - 1], MAX_ALERT_EVENTS + 50, 'the newest event stays last');
  assert.deepEqual(out[1]!.eventIds, [900, 902]);
  assert.deepEqual(many[0]!.eventIds, [1], 'inputs are not changed');
});
