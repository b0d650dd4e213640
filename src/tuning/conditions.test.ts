import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compileConditions, parseConditions } from './conditions.js';
import type { TunableEvent } from './event-fields.js';

const ev: TunableEvent = {
  core: { 'process.command_line': 'C:\\Tools\\Backup.exe /nightly', 'source.ip': '10.1.2.3', 'host.name': 'db-01' },
  original: { Event: { EventData: { User: 'CORP\\svc-backup' } } },
};

function meets(...conditions: unknown[]): boolean {
  return compileConditions(parseConditions(conditions))(ev);
}

test('every op, case-insensitive text, RE2 regex, cidr; AND of conditions', () => {
  assert.equal(meets({ field: 'host.name', op: 'equals', value: 'DB-01' }), true);
  assert.equal(meets({ field: 'process.command_line', op: 'contains', value: 'backup.EXE' }), true);
  assert.equal(meets({ field: 'process.command_line', op: 'startswith', value: 'c:\\tools' }), true);
  assert.equal(meets({ field: 'process.command_line', op: 'endswith', value: '/NIGHTLY' }), true);
  assert.equal(meets({ field: 'Event.EventData.User', op: 'regex', value: '^CORP\\\\svc-[a-z]+$' }), true);
  assert.equal(meets({ field: 'source.ip', op: 'cidr', value: '10.0.0.0/8' }), true);
  assert.equal(meets({ field: 'source.ip', op: 'cidr', value: '192.168.0.0/16' }), false);
  assert.equal(meets({ field: 'host.name', op: 'equals', value: 'db-01' }, { field: 'source.ip', op: 'cidr', value: '172.16.0.0/12' }), false);
  assert.equal(meets({ field: 'missing.field', op: 'contains', value: 'x' }), false);
});

test('bad input names the condition and part', () => {
  const field = (input: unknown): string | undefined => {
    try { parseConditions(input); } catch (e) { return (e as { location: { field?: string } }).location.field; }
    return undefined;
  };
  assert.equal(field([]), 'conditions');
  assert.equal(field('x'), 'conditions');
  assert.equal(field([{ field: 'a', op: 'equals', value: 'x' }, { field: 'b', op: 'like', value: 'x' }]), 'conditions[1].op');
  assert.equal(field([{ field: "a'; drop", op: 'equals', value: 'x' }]), 'conditions[0].field');
  assert.equal(field([{ field: 'a', op: 'regex', value: '(?<' }]), 'conditions[0].value');
  assert.equal(field([{ field: 'a', op: 'cidr', value: '10.0.0.0/99' }]), 'conditions[0].value');
  assert.equal(field([{ field: 'a', op: 'equals', value: 'x'.repeat(2000) }]), 'conditions[0].value');
  assert.equal(field(Array.from({ length: 21 }, () => ({ field: 'a', op: 'equals', value: 'x' }))), 'conditions');
});
