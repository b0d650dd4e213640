import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadRulesFromText } from '../loader/load.js';
import { CorrelationEngine } from './engine.js';
import { baseRule, docs, harness, sec } from './testing/harness.js';

// The spec's "Failed Logins Followed by Successful Login" example, verbatim.
const SPEC_EXAMPLE = `title: Correlation - Multiple Failed Logins Followed by Successful Login
id: b180ead8-d58f-40b2-ae54-c8940995b9b6
status: experimental
description: Detects multiple failed logins by a single user followed by a successful login of that user
references:
    - https://reference.com
author: Florian Roth (Nextron Systems)
date: 2023-06-16
correlation:
    type: temporal_ordered
    rules:
        - multiple_failed_login
        - successful_login
    group-by:
        - User
    timespan: 10m
falsepositives:
    - Unlikely
level: high
---
title: Multiple failed logons
id: a8418a5a-5fc4-46b5-b23b-6c73beb19d41
description: Detects multiple failed logins within a certain amount of time
name: multiple_failed_login
correlation:
    type: event_count
    rules:
        - failed_login
    group-by:
        - User
    timespan: 10m
    condition:
        gte: 10
---
title: Single failed login
id: 53ba33fd-3a50-4468-a5ef-c583635cfa92
name: failed_login
logsource:
    product: windows
    service: security
detection:
    selection:
        EventID:
            - 529
            - 4625
    condition: selection
---
title: Successful login
id: 4d0a2c83-c62c-4ed4-b475-c7e23a9269b8
description: Detects a successful login
name: successful_login
logsource:
    product: windows
    service: security
detection:
    selection:
        EventID:
            - 528
            - 4624
    condition: selection
`;

const ev = (id: number, user: string) => ({ EventID: id, User: user, Computer: 'dc1' });

test('chained correlation: ten failed logins then a successful one (spec example)', () => {
  const h = harness(SPEC_EXAMPLE);
  assert.deepEqual(h.corr.errors, []);
  assert.deepEqual(h.corr.rules.map((r) => r.name ?? r.title), ['multiple_failed_login', 'Correlation - Multiple Failed Logins Followed by Successful Login'], 'inner first');
  for (let i = 0; i < 9; i++) assert.deepEqual(h.send(ev(4625, 'alice'), sec(i * 10)), []);
  h.send(ev(4625, 'bob'), sec(5));
  const inner = h.send(ev(529, 'alice'), sec(90));
  assert.deepEqual(inner.map((a) => [a.ruleId, a.correlationOnly, a.count, a.group['User']]), [['a8418a5a-5fc4-46b5-b23b-6c73beb19d41', true, 10, 'alice']]);
  assert.equal(h.lastMatches[0]!.correlationOnly, true, 'base matches only feed the correlation');
  assert.deepEqual(h.send(ev(4624, 'bob'), sec(100)), [], 'bob had one failure');
  const [outer, ...rest] = h.send(ev(4624, 'alice'), sec(400));
  assert.equal(rest.length, 0);
  assert.equal(outer?.ruleId, 'b180ead8-d58f-40b2-ae54-c8940995b9b6');
  assert.equal(outer?.author, 'Florian Roth (Nextron Systems)');
  assert.equal(outer?.level, 'high');
  assert.equal(outer?.status, 'experimental');
  assert.equal(outer?.correlationOnly, false);
  assert.equal(outer?.correlationType, 'temporal_ordered');
  assert.deepEqual(outer?.group, { User: 'alice' });
  // Inner alerts count at the time they fired; their base matches come along as references.
  assert.equal(outer?.firstTime, sec(90));
  assert.equal(outer?.lastTime, sec(400));
  assert.equal(outer?.matches.length, 11);
  assert.deepEqual(
    outer?.matches.map((m) => m.ruleId),
    [...Array<string>(10).fill('53ba33fd-3a50-4468-a5ef-c583635cfa92'), '4d0a2c83-c62c-4ed4-b475-c7e23a9269b8'],
  );
});

test('chained correlation: the order and the outer timespan matter', () => {
  const early = harness(SPEC_EXAMPLE);
  early.send(ev(4624, 'alice'), sec(0));
  const alerts = [];
  for (let i = 1; i <= 10; i++) alerts.push(...early.send(ev(4625, 'alice'), sec(i)));
  assert.deepEqual(alerts.map((a) => a.title), ['Multiple failed logons'], 'a success before the failures is not the pattern');

  const slow = harness(SPEC_EXAMPLE);
  for (let i = 0; i < 10; i++) slow.send(ev(4625, 'alice'), sec(i));
  assert.deepEqual(slow.send(ev(4624, 'alice'), sec(9 + 601)), [], 'more than 10m after the inner alert');
});

test('flush passes the alerts of closing inner windows on to outer correlations', () => {
  const yaml = docs(
    baseRule('failed_login', 'EventID', 4625),
    `title: A single failed login
name: single_failure
correlation:
  type: event_count
  rules: [failed_login]
  group-by: [User, Computer]
  timespan: 1m
  condition: {lt: 2}`,
    `title: Several users with a single failure on one computer
correlation:
  type: event_count
  rules: [single_failure]
  group-by: [Computer]
  timespan: 10m
  condition: {gte: 2}`,
  );
  const h = harness(yaml);
  assert.deepEqual(h.corr.errors, []);
  h.send(ev(4625, 'alice'), sec(0));
  h.send(ev(4625, 'bob'), sec(5));
  h.send(ev(4625, 'carol'), sec(6));
  h.send(ev(4625, 'carol'), sec(7));
  const out = h.corr.flush();
  assert.deepEqual(out.map((a) => [a.title, a.group]), [
    ['A single failed login', { User: 'alice', Computer: 'dc1' }],
    ['A single failed login', { User: 'bob', Computer: 'dc1' }],
    ['Several users with a single failure on one computer', { Computer: 'dc1' }],
  ]);
  assert.equal(out[0]!.correlationOnly, true);
  assert.deepEqual(out[2]!.matches.map((m) => m.event['User']), ['alice', 'bob']);
});

function errorsOf(yaml: string): { codes: string[]; corr: CorrelationEngine } {
  const set = loadRulesFromText(yaml, 'errors.yml');
  assert.deepEqual(set.errors, []);
  const corr = new CorrelationEngine(set.rules);
  return { codes: corr.errors.map((e) => e.code), corr };
}

const corrDoc = (name: string, rules: string, extra = '') => `title: ${name} title
name: ${name}
correlation:
  type: event_count
  rules: ${rules}
  group-by: [User]
  timespan: 1m
  condition: {gte: 2}${extra}`;

test('cycles in chains are errors and the correlations in them do not run', () => {
  const { codes, corr } = errorsOf(docs(baseRule('failed_login', 'EventID', 4625), corrDoc('corr_a', '[corr_b]'), corrDoc('corr_b', '[corr_a, failed_login]'), corrDoc('corr_c', '[corr_c]'), corrDoc('ok', '[failed_login]')));
  assert.deepEqual(codes.sort(), ['sigma.correlation.cycle', 'sigma.correlation.cycle', 'sigma.correlation.cycle']);
  assert.match(corr.errors[0]!.message, /corr_a -> corr_b -> corr_a/);
  assert.equal(corr.errors[0]!.location.file, 'errors.yml');
  assert.deepEqual(corr.rules.map((r) => r.name), ['ok']);
});

test('unknown and ambiguous references, filters and bad aliases are errors', () => {
  const filter = `title: A filter
name: a_filter
logsource: {product: test}
filter:
  rules: [failed_login]
  selection: {User: admin}
  condition: selection`;
  const { codes, corr } = errorsOf(
    docs(
      baseRule('failed_login', 'EventID', 4625),
      baseRule('dup', 'EventID', 1),
      baseRule('dup', 'EventID', 2),
      filter,
      corrDoc('unknown', '[failed_login, nothing_here]'),
      corrDoc('ambiguous', '[dup]'),
      corrDoc('filtered', '[a_filter]'),
      corrDoc('aliased', '[failed_login]', '\n  aliases:\n    user:\n      failed_login: TargetUserName\n      not_a_rule: User'),
      corrDoc('outer', '[aliased]').replace('group-by: [User]', 'group-by: [Computer]'),
    ),
  );
  assert.deepEqual(codes, ['sigma.correlation.unknown_rule', 'sigma.correlation.ambiguous_rule', 'sigma.correlation.invalid_rule', 'sigma.correlation.alias_unknown_rule', 'sigma.correlation.group_field']);
  assert.match(corr.errors[0]!.message, /nothing_here/);
  assert.equal(corr.errors[0]!.location.field, 'correlation.rules.1');
  assert.deepEqual(corr.rules, []);
});
