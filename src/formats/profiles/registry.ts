import { VigilError } from '../../core/errors.js';
import { auditdProfile } from './auditd.js';
import { cloudtrailProfile } from './cloudtrail.js';
import { genericProfile } from './generic.js';
import { linuxAuthProfile } from './linux-auth.js';
import { oktaProfile } from './okta.js';
import { suricataProfile } from './suricata.js';
import type { NormalizedEvent, ProfileInput, SourceProfile, TransportMeta } from './types.js';
import { matchWindows, sysmonProfile, windowsEvtxProfile, winlogbeatProfile } from './windows.js';

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

type Matcher = (input: ProfileInput) => NormalizedEvent[] | undefined;

/**
 * detectProfile + normalize, in PROFILES order, without reading an input twice: the Windows profiles
 * (first in PROFILES) share one record read, profiles with `match` detect and normalize in one pass.
 */
const MATCHERS: readonly Matcher[] = [
  matchWindows,
  ...PROFILES.filter((p) => p !== sysmonProfile && p !== winlogbeatProfile && p !== windowsEvtxProfile && p !== genericProfile)
    .map((p): Matcher => (p.match ? p.match.bind(p) : (input) => (p.detect(input) ? p.normalize(input) : undefined))),
];

function normalizeDetected(input: ProfileInput): NormalizedEvent[] {
  for (const match of MATCHERS) {
    const events = match(input);
    if (events) return events;
  }
  return genericProfile.normalize(input);
}

/** Normalizes with the named profile, or the detected one when no name is given. */
export function normalize(input: ProfileInput, profileName?: string): NormalizedEvent[] {
  const events = profileName === undefined ? normalizeDetected(input) : getProfile(profileName).normalize(input);
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
