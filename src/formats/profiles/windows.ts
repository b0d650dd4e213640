import type { EventObject, LogSource } from '../../core/event.js';
import type { EcsCore, NormalizedEvent, ProfileInput, SourceProfile } from './types.js';
import { basename, finishCore, inputError, int, ip, isoTime, pick, port, str } from './util.js';
import { SYSMON_PROVIDER, isEvtxJson, isWinlogbeat, windowsRecord, type WindowsRecord } from './windows-record.js';
import { CHANNEL_SERVICES, SECURITY_EVENTS, SYSMON_CATEGORIES, SYSMON_ECS_CATEGORIES, TARGET_USER_EVENTS } from './windows-tables.js';

function isSysmon(rec: WindowsRecord): boolean {
  return rec.provider === SYSMON_PROVIDER || rec.channel === 'Microsoft-Windows-Sysmon/Operational';
}

/** Sigma logsource: the service from the channel, the category from the event id where SigmaHQ defines one. */
export function windowsLogsource(rec: WindowsRecord): LogSource & { product: string } {
  const ls: LogSource & { product: string } = { product: 'windows' };
  const service = rec.channel === undefined ? undefined : channelInfo(rec.channel).service;
  if (service) ls.service = service;
  const id = rec.eventId;
  if (id === undefined) return ls;
  if (isSysmon(rec)) {
    ls.service = 'sysmon';
    let category = SYSMON_CATEGORIES[id];
    if (id === 12) {
      const type = str(rec.data.EventType);
      if (type === 'CreateKey') category = 'registry_add';
      else if (type === 'DeleteKey' || type === 'DeleteValue') category = 'registry_delete';
    }
    if (category) ls.category = category;
  } else if (service === 'security' && id === 4688) {
    ls.category = 'process_creation';
  } else if (service === 'powershell') {
    if (id === 4103) ls.category = 'ps_module';
    else if (id === 4104) ls.category = 'ps_script';
  } else if (service === 'powershell-classic') {
    if (id === 400) ls.category = 'ps_classic_start';
    else if (id === 600) ls.category = 'ps_classic_provider_start';
    else if (id === 800) ls.category = 'ps_classic_script';
  }
  return ls;
}

interface ChannelInfo { service: string | undefined; dataset: string }

/** What a channel name gives, per channel: a host has few channels, so each is worked out once. */
const CHANNELS = new Map<string, ChannelInfo>();
const MAX_CHANNELS = 1024;

function channelInfo(channel: string): ChannelInfo {
  let info = CHANNELS.get(channel);
  if (info === undefined) {
    info = { service: CHANNEL_SERVICES[channel.toLowerCase()], dataset: datasetSlug(channel) };
    if (CHANNELS.size < MAX_CHANNELS) CHANNELS.set(channel, info);
  }
  return info;
}

function datasetFor(channel: string | undefined): string | undefined {
  return channel ? channelInfo(channel).dataset : undefined;
}

function datasetSlug(channel: string): string {
  const trimmed = channel.replace(/^Microsoft-Windows-/, '');
  let slug = '';
  for (const ch of trimmed.toLowerCase()) slug += (ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') ? ch : '_';
  return `windows.${slug}`;
}

/** `DOMAIN\user` -> `user`; Sysmon's User field and similar carry the domain. */
function accountName(v: unknown): string | undefined {
  const s = str(v);
  if (!s) return undefined;
  const cut = s.lastIndexOf('\\');
  return str(cut >= 0 ? s.slice(cut + 1) : s);
}

function userName(rec: WindowsRecord): string | undefined {
  const d = rec.data;
  const fromUser = accountName(d.User) ?? accountName(d.AccountName);
  if (fromUser) return fromUser;
  const target = str(d.TargetUserName);
  const subject = str(d.SubjectUserName);
  if (rec.eventId !== undefined && TARGET_USER_EVENTS.has(rec.eventId)) return target ?? subject;
  return subject ?? target ?? str(pick(rec.source, 'user', 'name'));
}

/** Builds the ECS core of a Windows event; fields a shipper already set in ECS are the fallback. */
export function windowsCore(rec: WindowsRecord): EcsCore {
  const d = rec.data;
  const sysmon = isSysmon(rec);
  const security = rec.channel === 'Security';
  const ecs = (...path: string[]): unknown => pick(rec.source, ...path);
  const id = rec.eventId;

  let executable: string | undefined;
  let pid: number | undefined;
  let parent: string | undefined;
  if (sysmon) {
    executable = str(d.Image) ?? str(d.SourceImage);
    pid = int(d.ProcessId) ?? int(d.SourceProcessId);
    parent = str(d.ParentImage);
  } else if (security && (id === 4688 || id === 4689)) {
    executable = str(d.NewProcessName) ?? str(d.ProcessName);
    pid = int(d.NewProcessId) ?? int(d.ProcessId);
    parent = str(d.ParentProcessName);
  } else {
    executable = str(d.ProcessName) ?? str(d.Image);
    pid = int(d.ProcessId);
  }
  executable ??= str(ecs('process', 'executable'));

  const securityEvent = security && id !== undefined ? SECURITY_EVENTS[id] : undefined;
  const category = sysmon && id !== undefined ? SYSMON_ECS_CATEGORIES[id] : securityEvent?.[1];
  const timestamp = (sysmon ? isoTime(d.UtcTime) : undefined) ?? isoTime(rec.time);
  const filePath = str(d.TargetFilename) ?? (sysmon && (id === 6 || id === 7) ? str(d.ImageLoaded) : undefined);

  return finishCore({
    '@timestamp': timestamp,
    'event.code': id === undefined ? undefined : String(id),
    'event.provider': rec.provider,
    'event.dataset': datasetFor(rec.channel),
    'event.category': category ? [...category] : undefined,
    'event.action': securityEvent?.[0] ?? rec.task,
    'event.outcome': rec.audit,
    'host.name': rec.computer,
    'user.name': userName(rec),
    'source.ip': ip(d.IpAddress) ?? ip(d.SourceIp) ?? ip(d.SourceAddress) ?? ip(ecs('source', 'ip')),
    'source.port': port(d.IpPort) ?? port(d.SourcePort) ?? port(ecs('source', 'port')),
    'destination.ip': ip(d.DestinationIp) ?? ip(d.DestAddress) ?? ip(ecs('destination', 'ip')),
    'destination.port': port(d.DestinationPort) ?? port(d.DestPort) ?? port(ecs('destination', 'port')),
    'process.name': basename(executable) ?? str(ecs('process', 'name')),
    'process.pid': pid ?? int(ecs('process', 'pid')),
    'process.executable': executable,
    'process.command_line': str(d.CommandLine) ?? str(ecs('process', 'command_line')),
    'process.parent.executable': parent ?? str(ecs('process', 'parent', 'executable')),
    'file.path': filePath ?? str(ecs('file', 'path')),
    'dns.question.name': str(d.QueryName) ?? str(ecs('dns', 'question', 'name')),
    'url.original': str(ecs('url', 'original')),
    message: rec.message,
  });
}

function windowsEvent(rec: WindowsRecord, value: EventObject, profile: string): NormalizedEvent {
  return { logsource: windowsLogsource(rec), core: windowsCore(rec), original: value, profile };
}

/**
 * The three Windows profiles' detection in their order (sysmon, then the layout), reading the record
 * once: undefined when the input is no Windows event.
 */
export function matchWindows(input: ProfileInput): NormalizedEvent[] | undefined {
  if (input.kind !== 'json') return undefined;
  const rec = windowsRecord(input.value);
  if (!rec) return undefined;
  return [windowsEvent(rec, input.value, isSysmon(rec) ? 'sysmon' : rec.layout === 'winlogbeat' ? 'winlogbeat' : 'windows_evtx')];
}

function makeProfile(name: string, description: string, accepts: (rec: WindowsRecord) => boolean, expected: string): SourceProfile {
  const read = (input: ProfileInput): WindowsRecord | undefined => {
    if (input.kind !== 'json') return undefined;
    const rec = windowsRecord(input.value);
    return rec && accepts(rec) ? rec : undefined;
  };
  return {
    name,
    description,
    detect: (input) => read(input) !== undefined,
    normalize(input): NormalizedEvent[] {
      const rec = read(input);
      if (!rec || input.kind !== 'json') throw inputError(name, expected, input);
      return [windowsEvent(rec, input.value, name)];
    },
  };
}

export const winlogbeatProfile = makeProfile(
  'winlogbeat',
  'Windows events as Winlogbeat / Elastic Agent ship them (winlog.* beside ECS)',
  (rec) => rec.layout === 'winlogbeat',
  'a Winlogbeat document with winlog.*',
);

export const windowsEvtxProfile = makeProfile(
  'windows_evtx',
  'Windows events in the EVTX JSON layout (Event.System.*, Event.EventData.*)',
  (rec) => rec.layout === 'evtx',
  'an EVTX JSON record with Event.System',
);

export const sysmonProfile = makeProfile(
  'sysmon',
  'Sysmon events in either Windows layout; logsource category from the Sysmon event id',
  isSysmon,
  'a Sysmon event (Winlogbeat or EVTX JSON layout)',
);

export { isEvtxJson, isWinlogbeat };
