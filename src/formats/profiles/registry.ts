import { VigilError } from '../../core/errors.js';
import { auditdProfile } from './auditd.js';
import { cloudtrailProfile } from './cloudtrail.js';
import { genericProfile } from './generic.js';
import { linuxAuthProfile } from './linux-auth.js';
import { oktaProfile } from './okta.js';
import { suricataProfile } from './suricata.js';
import type { NormalizedEvent, ProfileInput, SourceProfile, TransportMeta } from './types.js';
import { sysmonProfile, windowsEvtxProfile, winlogbeatProfile } from './windows.js';

/**
 * Detection order: specific before general. Sysmon comes before the two Windows layouts so Sysmon
 * events get its name; generic accepts everything and must stay last.
 */
const PROFILES: readonly SourceProfile[] = [
  sysmonProfile, winlogbeatProfile, windowsEvtxProfile, cloudtrailProfile, oktaProfile, suricataProfile,
  auditdProfile, linuxAuthProfile, genericProfile,
];

const BY_NAME = new Map(PROFILES.map((p) => [p.name, p]));

/** Profile names, as written in config. */
export function profileNames(): string[] {
  return [...BY_NAME.keys()].sort();
}

/** The profile called `name`; an unknown name fails and lists the known ones. */
export function getProfile(name: string): SourceProfile {
  const profile = BY_NAME.get(name);
  if (!profile) {
    throw new VigilError('PROFILE_UNKNOWN', `unknown source profile "${name}"; known profiles: ${profileNames().join(', ')}`, { field: 'profile' });
  }
  return profile;
}

/** Picks a profile from the input's shape; `generic` when nothing more specific fits. */
export function detectProfile(input: ProfileInput): SourceProfile {
  for (const profile of PROFILES) if (profile.detect(input)) return profile;
  return genericProfile;
}

/** Normalizes with the named profile, or the detected one when no name is given. */
export function normalize(input: ProfileInput, profileName?: string): NormalizedEvent[] {
  const profile = profileName === undefined ? detectProfile(input) : getProfile(profileName);
  const events = profile.normalize(input);
  if (input.transport) applyTransport(events, input.transport);
  return events;
}

/**
 * Sender metadata fills only what the content lacks. The transport text is kept only when the input
 * gave one event: a CloudTrail `Records` envelope would otherwise be copied into every record.
 */
function applyTransport(events: NormalizedEvent[], meta: TransportMeta): void {
  for (const event of events) {
    if (meta.host !== undefined && meta.host !== '' && event.core['host.name'] === undefined) event.core['host.name'] = meta.host;
    // Only the transport knows it, so it is set whatever the content says.
    if (meta.peer !== undefined && meta.peer !== '') event.core['log.source.address'] = meta.peer;
    if (meta.time !== undefined && event.core['@timestamp'] === undefined) {
      const t = new Date(meta.time);
      if (Number.isFinite(t.getTime())) event.core['@timestamp'] = t.toISOString();
    }
  }
  if (meta.text !== undefined && events.length === 1) events[0]!.originalText = meta.text;
}
