import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { CORPORA, SKIP_CORPORA } from '../../core/corpora.js';
import type { EventObject } from '../../core/event.js';
import { readJsonValues } from '../jsonseq/read.js';
import { createSyslogParser } from '../syslog/parse.js';
import { detectProfile, normalize } from './registry.js';
import type { ProfileInput } from './types.js';

/** normalize without a profile name must give what the detected profile's own normalize gives. */
function assertSameAsDetected(input: ProfileInput, label: string): void {
  assert.deepEqual(normalize(input), detectProfile(input).normalize(input), label);
}

const parseSyslog = createSyslogParser();
const sysmon = {
  Event: {
    System: { Provider: { '#attributes': { Name: 'Microsoft-Windows-Sysmon' } }, EventID: 1, Channel: 'Microsoft-Windows-Sysmon/Operational', Computer: 'ws1', TimeCreated: { '#attributes': { SystemTime: '2024-01-01T00:00:00.123456Z' } } },
    EventData: { Image: 'C:\\Windows\\System32\\whoami.exe', UtcTime: '2024-01-01 00:00:00.120', User: 'CORP\\alice' },
  },
};
const security = {
  Event: {
    System: { Provider: { '@Name': 'Microsoft-Windows-Security-Auditing' }, EventID: { '#text': '4625' }, Channel: 'Security', Keywords: '0x8010000000000000', TimeCreated: { '@SystemTime': '2024-01-01T00:00:00Z' } },
    EventData: { Data: [{ '@Name': 'TargetUserName', '#text': 'bob' }, { '@Name': 'IpAddress', '#text': '10.0.0.9' }, 'unnamed'] },
  },
};
const FIXTURES: [string, ProfileInput][] = [
  ['sysmon evtx', { kind: 'json', value: sysmon }],
  ['security evtx, xmltodict Data list', { kind: 'json', value: security }],
  ['evtx with UserData', { kind: 'json', value: { Event: { System: { EventID: 104, Channel: 'System' }, UserData: { LogFileCleared: { SubjectUserName: 'admin', '#attributes': { xmlns: 'x' } } } } } }],
  ['winlogbeat', { kind: 'json', value: { '@timestamp': '2024-01-01T00:00:00Z', winlog: { channel: 'Security', event_id: 4624, provider_name: 'Microsoft-Windows-Security-Auditing', keywords: ['Audit Success'], event_data: { TargetUserName: 'carol', IpAddress: '192.0.2.1' } }, message: 'An account was successfully logged on.' } }],
  ['cloudtrail envelope', { kind: 'json', value: { Records: [{ eventVersion: '1.08', eventTime: '2024-01-01T00:00:00Z', eventSource: 'iam.amazonaws.com', eventName: 'CreateUser' }] } }],
  ['okta', { kind: 'json', value: { eventType: 'user.session.start', published: '2024-01-01T00:00:00Z', actor: { alternateId: 'dave@example.com' } } }],
  ['suricata', { kind: 'json', value: { event_type: 'alert', timestamp: '2024-01-01T00:00:00.000000+0000', src_ip: '10.0.0.1', dest_ip: '10.0.0.2', flow_id: 1 } }],
  ['shipped auth json', { kind: 'json', value: { '@timestamp': '2024-02-01T00:00:00.000Z', host: { hostname: 'h' }, process: { name: 'sshd', pid: 1 }, message: 'Failed password for invalid user x from 198.51.100.7 port 22 ssh2' } }],
  ['rsyslog json with syslogtag', { kind: 'json', value: { syslogtag: 'sudo[42]:', msg: 'alice : TTY=pts/0 ; PWD=/ ; USER=root ; COMMAND=/bin/id', hostname: 'h' } }],
  ['non-auth shipped syslog', { kind: 'json', value: { program: 'cron', message: 'job ran' } }],
  ['auth syslog record', { kind: 'syslog', record: parseSyslog('<38>Jan 10 10:00:00 web1 sshd[1]: Accepted password for a from 10.0.0.1 port 2 ssh2'), text: 'line' }],
  ['plain syslog record', { kind: 'syslog', record: parseSyslog('<13>Jan 10 10:00:00 web1 kernel: hello') }],
  ['auditd text', { kind: 'text', text: 'type=USER_LOGIN msg=audit(1700000000.123:42): pid=1 uid=0 acct="root" exe="/usr/sbin/sshd" addr=10.0.0.1 res=failed' }],
  ['generic json', { kind: 'json', value: { ts: 1700000000, src_ip: '10.0.0.1', msg: 'x' } }],
  ['text', { kind: 'text', text: 'anything' }],
];

test('normalize picks the detected profile and gives what its normalize gives, for every profile shape', () => {
  const profiles = new Set<string>();
  for (const [label, input] of FIXTURES) {
    assertSameAsDetected(input, label);
    for (const e of normalize(input)) profiles.add(e.profile);
  }
  assert.deepEqual([...profiles].sort(), ['auditd', 'cloudtrail', 'generic', 'linux_auth', 'okta', 'suricata', 'sysmon', 'windows_evtx', 'winlogbeat']);
});

test('normalize agrees with detectProfile over the sigma-regression events', { skip: SKIP_CORPORA }, () => {
  const walk = (dir: string): string[] => readdirSync(dir, { withFileTypes: true })
    .flatMap((e) => (e.isDirectory() ? walk(join(dir, e.name)) : e.name.endsWith('.json') ? [join(dir, e.name)] : []));
  let n = 0;
  for (const file of walk(join(CORPORA, 'sigma-regression'))) {
    for (const v of readJsonValues(readFileSync(file, 'utf8'), file)) {
      if (v instanceof Error || v.value === null || typeof v.value !== 'object' || Array.isArray(v.value)) continue;
      assertSameAsDetected({ kind: 'json', value: v.value as EventObject }, file);
      n++;
    }
  }
  assert.ok(n > 100, `only ${n} events read`);
});
