/**
 * Ready-made templates for tests: a Windows-like `<System>` block followed by `<EventData>` or
 * `<UserData>` content, built with the test writer.
 */
import { V, fileTimeTicks, type TemplateDef, type ValueSpec, type XNode } from './build.js';

export const SYSMON_GUID = '5770385F-C22A-43E0-BF4C-06F5698FFBD9';
export const EVENT_NS = 'http://schemas.microsoft.com/win/2004/08/events/event';

/** Substitution indexes of the System block; event-specific values start at SYSTEM_VALUES. */
const S = { provider: 0, guid: 1, eventId: 2, version: 3, level: 4, task: 5, opcode: 6, keywords: 7, time: 8, recordId: 9, activity: 10, pid: 11, tid: 12, channel: 13, computer: 14, user: 15 };
export const SYSTEM_VALUES = 16;

const sub = (index: number, type: number, optional = true): XNode => ({ sub: index, type, optional });

function systemBlock(): XNode {
  return {
    el: 'System',
    children: [
      { el: 'Provider', attrs: [['Name', [sub(S.provider, 0x01)]], ['Guid', [sub(S.guid, 0x0f)]]] },
      { el: 'EventID', children: [sub(S.eventId, 0x06)] },
      { el: 'Version', children: [sub(S.version, 0x04)] },
      { el: 'Level', children: [sub(S.level, 0x04)] },
      { el: 'Task', children: [sub(S.task, 0x06)] },
      { el: 'Opcode', children: [sub(S.opcode, 0x04)] },
      { el: 'Keywords', children: [sub(S.keywords, 0x15)] },
      { el: 'TimeCreated', attrs: [['SystemTime', [sub(S.time, 0x11)]]] },
      { el: 'EventRecordID', children: [sub(S.recordId, 0x0a)] },
      { el: 'Correlation', attrs: [['ActivityID', [sub(S.activity, 0x0f)]]] },
      { el: 'Execution', attrs: [['ProcessID', [sub(S.pid, 0x08)]], ['ThreadID', [sub(S.tid, 0x08)]]] },
      { el: 'Channel', children: [sub(S.channel, 0x01)] },
      { el: 'Computer', children: [sub(S.computer, 0x01)] },
      { el: 'Security', attrs: [['UserID', [sub(S.user, 0x13)]]] },
    ],
  };
}

/** A template `<Event><System/><EventData><Data Name=..>%n</Data>...</EventData></Event>`. */
export function eventDataTemplate(guid: string, fields: { name: string; type: number; optional?: boolean }[]): TemplateDef {
  return {
    guid,
    id: parseInt(guid.slice(0, 8), 16),
    root: {
      el: 'Event',
      attrs: [['xmlns', [{ text: EVENT_NS }]]],
      children: [
        systemBlock(),
        {
          el: 'EventData',
          children: fields.map((f, i) => ({ el: 'Data', attrs: [['Name', [{ text: f.name }]]], children: [sub(SYSTEM_VALUES + i, f.type, f.optional ?? false)] })),
        },
      ],
    },
  };
}

/** A template whose event content is one substitution (BinXml `UserData`/`EventData` supplied per record). */
export function nestedContentTemplate(guid: string): TemplateDef {
  return {
    guid,
    id: 7,
    root: { el: 'Event', attrs: [['xmlns', [{ text: EVENT_NS }]]], children: [systemBlock(), sub(SYSTEM_VALUES, 0x21)] },
  };
}

export interface SystemFields {
  eventId: number;
  recordId: number;
  time?: bigint;
  channel?: string;
  computer?: string;
  user?: string;
  activity?: string;
}

export const BASE_TIME = fileTimeTicks(new Date('2024-05-01T12:34:56.789Z'), 1234);

/** The 16 System values, in the order systemBlock() substitutes them. */
export function systemValues(f: SystemFields): ValueSpec[] {
  return [
    V.string('Microsoft-Windows-Sysmon'),
    V.guid(SYSMON_GUID),
    V.uint16(f.eventId),
    V.uint8(5),
    V.uint8(4),
    V.uint16(f.eventId),
    V.uint8(0),
    V.hex64(0x8000000000000000n),
    V.fileTime(f.time ?? BASE_TIME),
    V.uint64(BigInt(f.recordId)),
    f.activity ? V.guid(f.activity) : V.null(),
    V.uint32(2032),
    V.uint32(2020),
    V.string(f.channel ?? 'Microsoft-Windows-Sysmon/Operational'),
    V.string(f.computer ?? 'host.example'),
    f.user ? V.sid(f.user) : V.null(),
  ];
}
