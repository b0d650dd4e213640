import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compileHuntFilter } from './hunt-match.js';
import type { TunableEvent } from './event-fields.js';

const ev: TunableEvent = {
  core: { 'host.name': 'Web-01', 'user.name': 'alice', 'destination.port': 443, 'event.category': ['network', 'session'], message: 'Accepted password for alice from 10.0.0.5', '@timestamp': '2024-05-01T10:00:00.000Z' },
  original: { winlog: { event_data: { LogonType: '3', 'Target.Name': 'x' } }, 'flat.key': 'yes' },
};

const matches = (q: string): boolean => compileHuntFilter(q)(ev);

test('field matches are case-insensitive with * and ? wildcards; arrays match any element', () => {
  assert.equal(matches('host.name:web-01'), true);
  assert.equal(matches('host.name:web*'), true);
  assert.equal(matches('host.name:w?b-0?'), true);
  assert.equal(matches('host.name:*b-0*'), true);
  assert.equal(matches('host.name:web'), false);
  assert.equal(matches('host.name:w*x*'), false);
  assert.equal(matches('event.category:session'), true);
  assert.equal(matches('user.name:*'), true);
  assert.equal(matches('process.name:*'), false);
});

test('original fields by dotted path (nested and flat keys), ranges, boolean logic, free text', () => {
  assert.equal(matches('winlog.event_data.LogonType:3'), true);
  assert.equal(matches('flat.key:yes'), true);
  assert.equal(matches('destination.port>=443 and destination.port<1024'), true);
  assert.equal(matches('destination.port:[1 TO 100]'), false);
  assert.equal(matches('@timestamp>="2024-05-01T00:00:00Z"'), true);
  assert.equal(matches('host.name:db* or user.name:alice'), true);
  assert.equal(matches('not user.name:alice'), false);
  assert.equal(matches('"accepted password"'), true);
  assert.equal(matches('rejected'), false);
});

test('pipes and empty filters are refused; syntax errors carry the column', () => {
  assert.throws(() => compileHuntFilter('user.name:alice | head 5'), (e: Error & { code?: string }) => e.code === 'tuning.query.pipes');
  assert.throws(() => compileHuntFilter('| stats count()'), (e: Error & { code?: string }) => e.code === 'tuning.query.pipes');
  assert.throws(() => compileHuntFilter('user.name:(alice'), (e: Error & { location?: { column?: number } }) => (e.location?.column ?? 0) > 0);
});

test('a wildcard over a 1 MB value is bounded (no backtracking)', () => {
  const big: TunableEvent = { core: { message: 'a'.repeat(1 << 20) }, original: {} };
  assert.equal(compileHuntFilter('message:*a*b*a*')(big), false);
});
