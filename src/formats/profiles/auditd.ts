import type { EventObject } from '../../core/event.js';
import { isAuditLine, parseAuditLine, type AuditRecord } from './auditd-parse.js';
import type { EcsCore, NormalizedEvent, ProfileInput, SourceProfile } from './types.js';
import { basename, finishCore, inputError, int, ip, outcome, str } from './util.js';

/**
 * event.action per record type, in the verb form go-libaudit (and so Elastic) uses. Types not listed
 * (SYSCALL, EXECVE, PATH, PROCTITLE, ...) fall back to the lower-cased type, as older Filebeat did.
 */
const ACTIONS: Record<string, string> = {
  USER_CMD: 'ran-command', CRYPTO_SESSION: 'started-crypto-session', CRYPTO_KEY_USER: 'negotiated-crypto-key',
  USER_START: 'started-session', USER_END: 'ended-session', CRED_ACQ: 'acquired-credentials',
  CRED_DISP: 'disposed-credentials', CRED_REFR: 'refreshed-credentials', LOGIN: 'changed-login-id-to',
  USER_AUTH: 'authenticated', USER_ACCT: 'was-authorized', USER_LOGIN: 'logged-in', USER_LOGOUT: 'logged-out',
  TTY: 'typed', USER_TTY: 'typed', SOFTWARE_UPDATE: 'package-updated', SYSTEM_BOOT: 'booted-system',
  SYSTEM_SHUTDOWN: 'shutdown-system', SYSTEM_RUNLEVEL: 'changed-to-runlevel', KERN_MODULE: 'loaded-kernel-module',
  VIRT_CONTROL: 'issued-vm-control', VIRT_MACHINE_ID: 'assigned-vm-id', VIRT_RESOURCE: 'assigned-vm-resource',
  ADD_GROUP: 'added-group-account-to', DEL_GROUP: 'deleted-group-account-from', ADD_USER: 'added-user-account',
  DEL_USER: 'deleted-user-account', USER_CHAUTHTOK: 'changed-password', GRP_CHAUTHTOK: 'changed-group-password',
  ACCT_LOCK: 'locked-account', ACCT_UNLOCK: 'unlocked-account', DAEMON_START: 'started-audit',
  DAEMON_END: 'shutdown-audit', DAEMON_ABORT: 'aborted-auditd-startup', CONFIG_CHANGE: 'changed-audit-configuration',
  SERVICE_START: 'started-service', SERVICE_STOP: 'stopped-service', ANOM_ABEND: 'crashed-program',
  ANOM_PROMISCUOUS: 'changed-promiscuous-mode-on-device', CHUSER_ID: 'changed-user-id', CHGRP_ID: 'changed-group',
};

const CATEGORIES: Record<string, string[]> = {
  SYSCALL: ['process'], USER_CMD: ['process'], CRYPTO_SESSION: ['process'], CRYPTO_KEY_USER: ['process'],
  DAEMON_START: ['process'], DAEMON_END: ['process'], SERVICE_START: ['process'], SERVICE_STOP: ['process'],
  ANOM_ABEND: ['process'], USER_START: ['session'], USER_END: ['session'], USER_LOGIN: ['authentication'],
  USER_LOGOUT: ['authentication'], USER_AUTH: ['authentication'], USER_ACCT: ['authentication'],
  CRED_ACQ: ['authentication'], CRED_DISP: ['authentication'], CRED_REFR: ['authentication'], LOGIN: ['authentication'],
  USER_ERR: ['authentication'], ADD_USER: ['iam'], DEL_USER: ['iam'], ADD_GROUP: ['iam'], DEL_GROUP: ['iam'],
  USER_CHAUTHTOK: ['iam'], GRP_CHAUTHTOK: ['iam'], USER_MGMT: ['iam'], GRP_MGMT: ['iam'], ACCT_LOCK: ['iam'],
  ACCT_UNLOCK: ['iam'], CHUSER_ID: ['iam'], CHGRP_ID: ['iam'], CONFIG_CHANGE: ['configuration', 'process'],
  SOFTWARE_UPDATE: ['package'], SYSTEM_BOOT: ['host'], SYSTEM_SHUTDOWN: ['host'], SYSTEM_RUNLEVEL: ['host'],
  VIRT_CONTROL: ['host'], VIRT_MACHINE_ID: ['host'], VIRT_RESOURCE: ['host'], KERN_MODULE: ['driver'],
  NETFILTER_PKT: ['network'], SOCKADDR: ['network'], AVC: ['configuration'],
};

function isNumeric(s: string | undefined): boolean {
  return s !== undefined && s.length > 0 && [...s].every((c) => c >= '0' && c <= '9');
}

/** The account a record is about: PAM `acct`, a payload `user=`, or a name the enriched log format put in place of a uid. */
function auditUser(f: Record<string, string>): string | undefined {
  const acct = str(f.acct);
  if (acct && acct !== '(unknown)') return acct;
  if (str(f.user)) return f.user;
  for (const key of ['UID', 'AUID']) if (str(f[key]) && f[key] !== 'unset') return f[key];
  for (const key of ['uid', 'auid']) if (str(f[key]) && !isNumeric(f[key]) && f[key] !== 'unset') return f[key];
  return undefined;
}

function commandLine(rec: AuditRecord): string | undefined {
  const f = rec.fields;
  if (rec.type === 'EXECVE') {
    const argc = int(f.argc) ?? 0;
    const args: string[] = [];
    for (let i = 0; i < Math.min(argc, 4096) && f[`a${i}`] !== undefined; i++) args.push(f[`a${i}`]);
    return args.length > 0 ? args.join(' ') : undefined;
  }
  return str(f.proctitle) ?? str(f.cmd);
}

export function auditCore(rec: AuditRecord): EcsCore {
  const f = rec.fields;
  const executable = str(f.exe) ?? (rec.type === 'EXECVE' ? str(f.a0) : undefined);
  const result = outcome(f.res) ?? outcome(f.success) ?? (f.res === '1' ? 'success' : f.res === '0' ? 'failure' : undefined);
  return finishCore({
    '@timestamp': new Date(rec.epochMs).toISOString(),
    'event.code': rec.type,
    'event.dataset': 'auditd.log',
    'event.category': CATEGORIES[rec.type] ? [...CATEGORIES[rec.type]] : undefined,
    'event.action': ACTIONS[rec.type] ?? rec.type.toLowerCase(),
    'event.outcome': result,
    'host.name': rec.node,
    'user.name': auditUser(f),
    'source.ip': ip(f.addr) ?? ip(f.src) ?? ip(f.saddr),
    'destination.ip': ip(f.dst) ?? ip(f.daddr),
    'process.name': str(f.comm) ?? (rec.type === 'SYSCALL' ? basename(executable) : undefined),
    'process.pid': int(f.pid),
    'process.executable': executable,
    'process.command_line': commandLine(rec),
    'file.path': rec.type === 'PATH' ? str(f.name) : str(f.path),
  });
}

/** The vendor-native object Sigma's auditd rules read: `type` plus the decoded fields. */
function auditOriginal(rec: AuditRecord): EventObject {
  const original: EventObject = { type: rec.type, ...rec.fields };
  original.type = rec.type;
  if (rec.node !== undefined) original.node = rec.node;
  return original;
}

function auditText(input: ProfileInput): string | undefined {
  if (input.kind === 'text') return input.text;
  if (input.kind === 'syslog') return input.record.message;
  return undefined;
}

/** Linux audit lines, raw (audit.log) or carried in a syslog message (audisp syslog plugin). */
export const auditdProfile: SourceProfile = {
  name: 'auditd',
  description: 'Linux auditd records (type=... msg=audit(...): key=value), hex values decoded',
  detect(input) {
    const text = auditText(input);
    return text !== undefined && isAuditLine(text);
  },
  normalize(input): NormalizedEvent[] {
    const text = auditText(input);
    if (text === undefined) throw inputError('auditd', 'an auditd line (text or syslog message)', input);
    const rec = parseAuditLine(text);
    const core = auditCore(rec);
    if (input.kind === 'syslog' && !core['host.name'] && input.record.hostname) core['host.name'] = input.record.hostname;
    const event: NormalizedEvent = { logsource: { product: 'linux', service: 'auditd' }, core, original: auditOriginal(rec), profile: 'auditd' };
    event.originalText = input.kind === 'syslog' && input.text !== undefined ? input.text : text;
    return [event];
  },
};
