import type { EventObject } from '../../core/event.js';
import type { SyslogRecord } from '../syslog/record.js';
import { syslogRecordFromJson } from './shipped-syslog.js';
import type { EcsCore, NormalizedEvent, ProfileInput, SourceProfile } from './types.js';
import { finishCore, inputError, int, ip, isoString, port } from './util.js';

/** Programs whose messages go to auth.log / secure; Sigma calls that log source `service: auth`. */
const AUTH_PROGRAMS = new Set([
  'sshd', 'sudo', 'su', 'login', 'passwd', 'chpasswd', 'useradd', 'userdel', 'usermod', 'groupadd', 'groupdel',
  'groupmod', 'gpasswd', 'chage', 'chsh', 'chfn', 'pam', 'systemd-logind', 'polkitd', 'pkexec', 'doas', 'unix_chkpwd',
]);

/** The fields an auth message yields; everything else in the core comes from the syslog header. */
type AuthFields = Pick<EcsCore, 'event.action' | 'event.outcome' | 'event.category' | 'user.name' | 'source.ip' | 'source.port' | 'process.command_line'>;

/** Words split on single spaces: the matchers below index into them, so matching stays linear. */
function words(s: string): string[] {
  return s.split(' ');
}

function parseSshd(msg: string): AuthFields | undefined {
  const w = words(msg);
  if ((w[0] === 'Accepted' || w[0] === 'Failed') && w[2] === 'for') {
    const invalid = w[3] === 'invalid' && w[4] === 'user';
    const k = invalid ? 6 : 4;
    if (w[k] !== 'from') return undefined;
    const success = w[0] === 'Accepted';
    return {
      'event.action': 'ssh_login', 'event.outcome': success ? 'success' : 'failure',
      'event.category': success ? ['authentication', 'session'] : ['authentication'],
      'user.name': w[k - 1] || undefined, 'source.ip': ip(w[k + 1]), 'source.port': w[k + 2] === 'port' ? port(w[k + 3]) : undefined,
    };
  }
  if (w[0] === 'Invalid' && w[1] === 'user' && w[3] === 'from') {
    return {
      'event.action': 'ssh_login', 'event.outcome': 'failure', 'event.category': ['authentication'],
      'user.name': w[2] || undefined, 'source.ip': ip(w[4]), 'source.port': w[5] === 'port' ? port(w[6]) : undefined,
    };
  }
  if (msg.startsWith('Did not receive identification string from ')) return { 'source.ip': ip(w[6]), 'source.port': w[7] === 'port' ? port(w[8]) : undefined };
  const fromAt = w.indexOf('from');
  const byAt = w.indexOf('by');
  if (msg.startsWith('Connection closed by ') || msg.startsWith('Connection reset by ') || msg.startsWith('Disconnected from ')) {
    // `... by [authenticating|invalid] user NAME IP port N` or `... by IP port N`.
    const at = (byAt >= 0 ? byAt : fromAt) + 1;
    const userAt = w.indexOf('user', at);
    const ipAt = userAt >= 0 ? userAt + 2 : at;
    return { 'user.name': userAt >= 0 ? w[userAt + 1] || undefined : undefined, 'source.ip': ip(w[ipAt]), 'source.port': w[ipAt + 1] === 'port' ? port(w[ipAt + 2]) : undefined };
  }
  if (msg.startsWith('Received disconnect from ')) return { 'source.ip': ip(w[3]), 'source.port': w[4] === 'port' ? port(w[5]?.split(':')[0]) : undefined };
  return undefined;
}

/** `pam_unix(svc:type): ...`: session open/close and authentication failures, from any program. */
function parsePam(msg: string): AuthFields | undefined {
  if (!msg.startsWith('pam_')) return undefined;
  const close = msg.indexOf('): ');
  if (close < 0) return undefined;
  const rest = msg.slice(close + 3);
  const w = words(rest);
  if (w[0] === 'session' && (w[1] === 'opened' || w[1] === 'closed') && w[2] === 'for' && w[3] === 'user') {
    const target = w[4];
    let by: string | undefined;
    if (w[5] === 'by' && w[6] !== undefined) {
      const paren = w[6].indexOf('(');
      by = paren >= 0 ? w[6].slice(0, paren) : w[6];
    }
    const opened = w[1] === 'opened';
    return {
      'event.action': opened ? 'logged-on' : 'logged-off', 'event.category': ['session'],
      // Who opened the session (`by milad`) when known, else whose session it is.
      'user.name': (opened ? by || target : target) || undefined,
    };
  }
  if (rest.startsWith('authentication failure;')) {
    const kv = keyValues(rest.slice(23));
    return { 'event.outcome': 'failure', 'event.category': ['authentication'], 'user.name': kv.user, 'source.ip': ip(kv.rhost) };
  }
  return undefined;
}

/** `k=v k2= k3=v3` with empty values allowed (PAM's logname= ruser=). */
function keyValues(s: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const part of words(s)) {
    const eq = part.indexOf('=');
    if (eq > 0 && eq < part.length - 1) out[part.slice(0, eq)] = part.slice(eq + 1);
  }
  return out;
}

/** `user : [error ; ]TTY=x ; PWD=y ; USER=z ; COMMAND=cmd`. COMMAND runs to the end: it may itself hold ` ; `. */
function parseSudo(msg: string): AuthFields | undefined {
  const sep = msg.indexOf(' : ');
  if (sep < 0) return undefined;
  const user = msg.slice(0, sep).trim();
  const rest = msg.slice(sep + 3);
  const cmdAt = rest.indexOf('COMMAND=');
  const head = cmdAt >= 0 ? rest.slice(0, cmdAt) : rest;
  let error = false;
  for (const segment of head.split(' ; ')) {
    const s = segment.trim();
    if (s !== '' && !s.includes('=')) error = true;
  }
  if (cmdAt < 0 && !head.includes('TTY=')) return undefined;
  return {
    'event.action': 'sudo-command', 'event.category': ['process'], 'event.outcome': error ? 'failure' : 'success',
    'user.name': user || undefined, 'process.command_line': cmdAt >= 0 ? rest.slice(cmdAt + 8) : undefined,
  };
}

function parseSu(msg: string): AuthFields | undefined {
  const w = words(msg);
  // util-linux / shadow: `Successful su for root by alice`, `FAILED su for root by alice`.
  if ((w[0] === 'Successful' || w[0] === 'FAILED') && w[1] === 'su' && w[2] === 'for' && w[4] === 'by') {
    return { 'event.action': 'su', 'event.category': ['authentication'], 'event.outcome': w[0] === 'FAILED' ? 'failure' : 'success', 'user.name': w[5] || undefined };
  }
  // Debian: `(to root) alice on pts/0`, `FAILED SU (to root) alice on pts/0`.
  const failed = w[0] === 'FAILED' && w[1] === 'SU';
  const k = failed ? 2 : 0;
  if (w[k] === '(to' && w[k + 3] === 'on') {
    return { 'event.action': 'su', 'event.category': ['authentication'], 'event.outcome': failed ? 'failure' : 'success', 'user.name': w[k + 2] || undefined };
  }
  return undefined;
}

/** Account management lines (shadow-utils): `new user: name=x, UID=...`, `new group: name=x, GID=...`. */
function parseAccounts(msg: string): AuthFields | undefined {
  const created = msg.startsWith('new user: ') ? 'user' : msg.startsWith('new group: ') ? 'group' : undefined;
  if (!created) return undefined;
  const nameAt = msg.indexOf('name=');
  const comma = msg.indexOf(',', nameAt);
  const name = nameAt >= 0 ? msg.slice(nameAt + 5, comma < 0 ? undefined : comma) : undefined;
  return { 'event.action': `added-${created}-account`, 'event.category': ['iam'], 'event.outcome': 'success', 'user.name': created === 'user' ? name : undefined };
}

export function authFields(program: string | undefined, message: string): AuthFields | undefined {
  const msg = message.trim();
  const pam = parsePam(msg);
  if (pam) return pam;
  if (program === 'sshd') return parseSshd(msg);
  if (program === 'sudo') return parseSudo(msg);
  if (program === 'su') return parseSu(msg);
  if (program === 'useradd' || program === 'groupadd') return parseAccounts(msg);
  return undefined;
}

function serviceFor(program: string | undefined, message: string): string {
  if (program === 'sshd' || program === 'sudo') return program;
  if ((program && AUTH_PROGRAMS.has(program)) || message.trimStart().startsWith('pam_')) return 'auth';
  return 'syslog';
}

export function syslogCore(record: SyslogRecord, extra: AuthFields | undefined, dataset: string): EcsCore {
  return finishCore({
    '@timestamp': record.timestamp ? isoString(record.timestamp.epochMs) : undefined,
    'event.dataset': dataset,
    'host.name': record.hostname,
    'process.name': record.appName,
    'process.pid': int(record.procId),
    message: record.message.trim(),
    ...extra,
  });
}

/** sshd, sudo, su, PAM and account-management messages carried over syslog (auth.log, secure, journald forwarding). */
export const linuxAuthProfile: SourceProfile = {
  name: 'linux_auth',
  description: 'Linux authentication messages over syslog: sshd logins, sudo commands, su, PAM sessions, useradd/groupadd',
  detect: (input) => authRecord(input) !== undefined,
  match(input) {
    const record = authRecord(input);
    return record === undefined ? undefined : [inputEvent(input, record)];
  },
  normalize(input): NormalizedEvent[] {
    if (input.kind === 'json') {
      const shipped = syslogRecordFromJson(input.value);
      if (!shipped) throw inputError('linux_auth', 'a syslog record or a shipped syslog document (program + message)', input);
      return [inputEvent(input, shipped)];
    }
    if (input.kind !== 'syslog') throw inputError('linux_auth', 'a syslog record', input);
    return [inputEvent(input, input.record)];
  },
};

/** The input's syslog record when it is an auth message (what detect accepts), else undefined. */
function authRecord(input: ProfileInput): SyslogRecord | undefined {
  const record = input.kind === 'syslog' ? input.record : input.kind === 'json' ? syslogRecordFromJson(input.value) : undefined;
  if (!record) return undefined;
  const program = record.appName;
  return (program !== undefined && AUTH_PROGRAMS.has(program)) || record.message.trimStart().startsWith('pam_') ? record : undefined;
}

/** The event of an input whose record (given, or shipped as JSON) was read already. */
function inputEvent(input: ProfileInput, record: SyslogRecord): NormalizedEvent {
  const event = authEvent(record);
  if (input.kind === 'json') event.original = input.value;
  else if (input.kind === 'syslog' && input.text !== undefined) event.originalText = input.text;
  return event;
}

function authEvent(record: SyslogRecord): NormalizedEvent {
  const service = serviceFor(record.appName, record.message);
  const extra = authFields(record.appName, record.message);
  const core = syslogCore(record, extra, service === 'syslog' ? 'system.syslog' : 'system.auth');
  return { logsource: { product: 'linux', service }, core, original: record as unknown as EventObject, profile: 'linux_auth' };
}
