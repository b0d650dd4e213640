import type { EventObject } from '../../core/event.js';

/** Builds an event in the evtx JSON layout (as the Rust evtx crate and `vigil evtx dump` write it). */
export function evtxEvent(channel: string, eventId: number, data: Record<string, unknown>, provider = 'Microsoft-Windows-Sysmon'): EventObject {
  return {
    Event: {
      '#attributes': { xmlns: 'http://schemas.microsoft.com/win/2004/08/events/event' },
      System: {
        Provider: { '#attributes': { Name: provider } },
        EventID: eventId,
        Channel: channel,
        Computer: 'ws01.corp.example',
        TimeCreated: { '#attributes': { SystemTime: '2025-10-22T20:33:27.276702Z' } },
        EventRecordID: 1000,
        Security: { '#attributes': { UserID: 'S-1-5-18' } },
      },
      EventData: data,
    },
  };
}

export const SYSMON = 'Microsoft-Windows-Sysmon/Operational';

/** A Winlogbeat 8 document for the same kind of event. */
export function winlogbeatEvent(channel: string, eventId: number, data: Record<string, unknown>): EventObject {
  return {
    '@timestamp': '2025-10-22T20:33:27.276Z',
    event: { code: String(eventId), provider: 'Microsoft-Windows-Sysmon' },
    host: { name: 'ws01' },
    winlog: { channel, event_id: String(eventId), provider_name: 'Microsoft-Windows-Sysmon', computer_name: 'ws01.corp.example', event_data: data },
  };
}
