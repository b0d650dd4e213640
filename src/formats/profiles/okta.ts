import type { EventObject } from '../../core/event.js';
import type { NormalizedEvent, SourceProfile } from './types.js';
import { finishCore, ip, isObject, isoTime, jsonValue, outcome, pick, str } from './util.js';

function isOktaEvent(v: EventObject): boolean {
  return typeof v.eventType === 'string' && typeof v.published === 'string' && isObject(v.actor);
}

/** ECS categories by Okta eventType prefix, as Elastic's Okta integration assigns them. */
function category(eventType: string): string[] | undefined {
  if (eventType.startsWith('user.session.')) return ['authentication', 'session'];
  if (eventType.startsWith('user.authentication.') || eventType.startsWith('policy.evaluate_sign_on') || eventType.startsWith('user.mfa.')) return ['authentication'];
  if (eventType.startsWith('group.user_membership.') || eventType.startsWith('user.lifecycle.') || eventType.startsWith('user.account.')) return ['iam'];
  if (eventType.startsWith('application.user_membership.')) return ['iam'];
  return undefined;
}

/** ALLOW/SUCCESS and DENY/FAILURE; CHALLENGE, SKIPPED and UNKNOWN are neither. */
function oktaOutcome(result: unknown): 'success' | 'failure' | 'unknown' | undefined {
  if (typeof result !== 'string') return undefined;
  return outcome(result) ?? 'unknown';
}

/** Every address in `request.ipChain`, so proxies in front of the client are searchable too. */
function chainIps(v: EventObject): string[] {
  const chain = pick(v, 'request', 'ipChain');
  if (!Array.isArray(chain)) return [];
  return chain.flatMap((hop) => (isObject(hop) && ip(hop.ip) ? [hop.ip as string] : []));
}

/** Okta System Log events, as the /api/v1/logs API and its event hooks return them. */
export const oktaProfile: SourceProfile = {
  name: 'okta',
  description: 'Okta System Log API events',
  detect: (input) => input.kind === 'json' && isOktaEvent(input.value),
  normalize(input): NormalizedEvent[] {
    const v = jsonValue('okta', input);
    const eventType = str(v.eventType) ?? '';
    const core = finishCore({
      '@timestamp': isoTime(v.published),
      'event.dataset': 'okta.system',
      'event.provider': 'okta',
      'event.action': eventType || undefined,
      'event.code': str(v.legacyEventType),
      'event.category': category(eventType),
      'event.outcome': oktaOutcome(pick(v, 'outcome', 'result')),
      'user.name': str(pick(v, 'actor', 'alternateId')) ?? str(pick(v, 'actor', 'displayName')),
      'source.ip': ip(pick(v, 'client', 'ipAddress')),
      'url.original': str(pick(v, 'debugContext', 'debugData', 'url')),
      message: str(v.displayMessage),
    }, chainIps(v));
    return [{ logsource: { product: 'okta', service: 'okta' }, core, original: v, profile: 'okta' }];
  },
};
