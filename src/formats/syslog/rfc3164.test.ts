import { test } from 'node:test';
import assert from 'node:assert/strict';
import { VigilError } from '../../core/errors.js';
import { parseSyslog } from './parse.js';

const now = Date.UTC(2024, 5, 15, 12, 0, 0);

test('RFC 3164 example: PRI, BSD timestamp, hostname, tag without pid', () => {
  const r = parseSyslog("<34>Oct 11 22:14:15 mymachine su: 'su root' failed for lonvick on /dev/pts/8", { now });
  assert.equal(r.format, 'rfc3164');
  assert.equal(r.facility, 4);
  assert.equal(r.severity, 2);
  assert.deepEqual(r.timestamp, { epochMs: Date.UTC(2023, 9, 11, 22, 14, 15), original: 'Oct 11 22:14:15' });
  assert.equal(r.hostname, 'mymachine');
  assert.equal(r.appName, 'su');
  assert.equal(r.procId, undefined);
  assert.equal(r.message, "'su root' failed for lonvick on /dev/pts/8");
});

test('auth.log line without PRI, tag with pid', () => {
  const r = parseSyslog('Feb 21 21:54:44 localhost sshd[3402]: Accepted publickey for vagrant from 10.0.2.2 port 63673 ssh2', { now });
  assert.equal(r.priority, undefined);
  assert.equal(r.timestamp?.epochMs, Date.UTC(2024, 1, 21, 21, 54, 44));
  assert.equal(r.hostname, 'localhost');
  assert.equal(r.appName, 'sshd');
  assert.equal(r.procId, '3402');
  assert.equal(r.message, 'Accepted publickey for vagrant from 10.0.2.2 port 63673 ssh2');
});

test('year rollover: December lines read in early January belong to last year, and back', () => {
  const jan1 = Date.UTC(2025, 0, 1, 0, 0, 30);
  assert.equal(parseSyslog('<13>Dec 31 23:59:59 h app: x', { now: jan1 }).timestamp?.epochMs, Date.UTC(2024, 11, 31, 23, 59, 59));
  const dec31 = Date.UTC(2024, 11, 31, 23, 59, 0);
  // A sender whose clock is a minute ahead has already crossed into the new year.
  assert.equal(parseSyslog('<13>Jan  1 00:00:10 h app: x', { now: dec31 }).timestamp?.epochMs, Date.UTC(2025, 0, 1, 0, 0, 10));
  // A month-old line from a file read in March is this year's; a December line read in March is last year's.
  const march = Date.UTC(2025, 2, 10);
  assert.equal(parseSyslog('Feb 10 00:00:00 h app: x', { now: march }).timestamp?.epochMs, Date.UTC(2025, 1, 10));
  assert.equal(parseSyslog('Dec 10 00:00:00 h app: x', { now: march }).timestamp?.epochMs, Date.UTC(2024, 11, 10));
  // Feb 29 goes to the latest leap year not in the future.
  assert.equal(parseSyslog('Feb 29 10:00:00 h app: x', { now: march }).timestamp?.epochMs, Date.UTC(2024, 1, 29, 10));
});

test('space-padded and single-digit days, fractions, Cisco trailing colon', () => {
  assert.equal(parseSyslog('<13>Apr  4 03:39:57 h a: x', { now }).timestamp?.epochMs, Date.UTC(2024, 3, 4, 3, 39, 57));
  const r = parseSyslog('Apr 4 03:39:57 --- last message repeated 1 time ---', { now });
  assert.equal(r.timestamp?.epochMs, Date.UTC(2024, 3, 4, 3, 39, 57));
  assert.equal(r.hostname, undefined);
  assert.equal(r.appName, undefined);
  assert.equal(r.message, '--- last message repeated 1 time ---');
  assert.equal(parseSyslog('<13>Apr  4 03:39:57.250 h a: x', { now }).timestamp?.epochMs, Date.UTC(2024, 3, 4, 3, 39, 57, 250));
  const cisco = parseSyslog('<189>Mar  1 18:46:11: %SYS-5-CONFIG_I: Configured from console', { now });
  assert.equal(cisco.timestamp?.epochMs, Date.UTC(2024, 2, 1, 18, 46, 11));
  assert.equal(cisco.appName, '%SYS-5-CONFIG_I');
});

test('logger over /dev/log: no hostname', () => {
  const r = parseSyslog('<13>Oct 11 22:14:15 myapp[42]: hello world', { now });
  assert.equal(r.hostname, undefined);
  assert.equal(r.appName, 'myapp');
  assert.equal(r.procId, '42');
  assert.equal(r.message, 'hello world');
  const noPid = parseSyslog('<13>Oct 11 22:14:15 root: hello', { now });
  assert.equal(noPid.hostname, undefined);
  assert.equal(noPid.appName, 'root');
});

test('rsyslog ISO 8601 timestamps: offsets with and without colon, none (read in timeZone)', () => {
  const a = parseSyslog('<13>2018-08-14T14:30:02.203151+02:00 linux-sqrz systemd[4179]: Stopped target Basic System.');
  assert.equal(a.timestamp?.epochMs, Date.UTC(2018, 7, 14, 12, 30, 2, 203));
  assert.equal(a.timestamp?.original, '2018-08-14T14:30:02.203151+02:00');
  assert.equal(a.hostname, 'linux-sqrz');
  assert.equal(a.appName, 'systemd');
  assert.equal(parseSyslog('1986-04-26T01:23:45.101+0400 h shutdown[2649]: x').timestamp?.epochMs, Date.UTC(1986, 3, 25, 21, 23, 45, 101));
  const local = '2019-06-14T10:40:20.912134 localhost sudo: pam_unix(sudo-i:session): session opened';
  assert.equal(parseSyslog(local).timestamp?.epochMs, Date.UTC(2019, 5, 14, 10, 40, 20, 912));
  assert.equal(parseSyslog(local, { timeZone: '-02:00' }).timestamp?.epochMs, Date.UTC(2019, 5, 14, 12, 40, 20, 912));
  // IANA zones follow daylight saving time: Paris is +02:00 in June and +01:00 in January.
  assert.equal(parseSyslog(local, { timeZone: 'Europe/Paris' }).timestamp?.epochMs, Date.UTC(2019, 5, 14, 8, 40, 20, 912));
  assert.equal(parseSyslog('Jan 10 10:00:00 h a: x', { now, timeZone: 'Europe/Paris' }).timestamp?.epochMs, Date.UTC(2024, 0, 10, 9));
  assert.equal(parseSyslog(local).message, 'pam_unix(sudo-i:session): session opened');
});

test('lines without a timestamp keep everything after PRI as message', () => {
  const r = parseSyslog('<13>just some text', { now });
  assert.equal(r.priority, 13);
  assert.equal(r.timestamp, undefined);
  assert.equal(r.message, 'just some text');
  const t = parseSyslog('<13>kernel: oops', { now });
  assert.equal(t.appName, 'kernel');
  assert.equal(t.message, 'oops');
});

test('bad PRI and unknown time zones are VigilErrors', () => {
  assert.throws(() => parseSyslog('<1234>Oct 11 22:14:15 h a: x'), (e: unknown) => e instanceof VigilError && e.code === 'SYSLOG_BAD_PRI');
  assert.throws(() => parseSyslog('Oct 11 22:14:15 h a: x', { timeZone: 'Mars/Olympus' }), (e: unknown) => e instanceof VigilError && e.code === 'SYSLOG_BAD_TIMEZONE');
});
