import { VigilError } from '../../core/errors.js';
import type { EventObject } from '../../core/event.js';
import type { EcsCore, NormalizedEvent, SourceProfile } from './types.js';
import { finishCore, ip, isObject, isoTime, jsonValue, pick, str } from './util.js';

/** Most records one `Records` file may expand to; CloudTrail writes files of at most a few thousand. */
const MAX_RECORDS = 100_000;

function isRecord(v: EventObject): boolean {
  return typeof v.eventVersion === 'string' && typeof v.eventTime === 'string' && (v.eventSource !== undefined || v.eventCategory !== undefined || v.eventType !== undefined);
}

function isEnvelope(v: EventObject): boolean {
  return Array.isArray(v.Records) && (v.Records.length === 0 || (isObject(v.Records[0]) && isRecord(v.Records[0])));
}

const AUTH_EVENTS = new Set([
  'ConsoleLogin', 'CheckMfa', 'AssumeRole', 'AssumeRoleWithSAML', 'AssumeRoleWithWebIdentity', 'GetSessionToken',
  'GetFederationToken', 'ExitRole', 'SwitchRole', 'RenewRole', 'GetSigninToken', 'PasswordRecoveryRequested',
]);

function category(source: string | undefined, name: string | undefined): string[] | undefined {
  if (name && AUTH_EVENTS.has(name)) return ['authentication'];
  if (source === 'iam.amazonaws.com' || source === 'sso.amazonaws.com' || source === 'identitystore.amazonaws.com') return ['iam'];
  if (source === 'ec2.amazonaws.com' && name && /^(Authorize|Revoke)SecurityGroup/.test(name)) return ['network', 'configuration'];
  return undefined;
}

/** The human behind a call: the IAM user, the role's issuer for assumed roles, `root`, else the ARN's last part. */
function userName(identity: unknown): string | undefined {
  if (!isObject(identity)) return undefined;
  const name = str(identity.userName) ?? str(pick(identity, 'sessionContext', 'sessionIssuer', 'userName'));
  if (name) return name;
  if (identity.type === 'Root') return 'root';
  const arn = str(identity.arn);
  return arn ? arn.slice(arn.lastIndexOf('/') + 1) : undefined;
}

function recordCore(r: EventObject): EcsCore {
  const source = str(r.eventSource);
  const name = str(r.eventName);
  const failed = r.errorCode !== undefined || r.errorMessage !== undefined || pick(r, 'responseElements', 'ConsoleLogin') === 'Failure';
  return finishCore({
    '@timestamp': isoTime(r.eventTime),
    'event.dataset': 'aws.cloudtrail',
    'event.provider': source ?? str(pick(r, 'insightDetails', 'eventSource')),
    'event.action': name ?? str(pick(r, 'insightDetails', 'eventName')),
    'event.code': str(r.eventType),
    'event.category': category(source, name),
    'event.outcome': failed ? 'failure' : 'success',
    'user.name': userName(r.userIdentity),
    'source.ip': ip(r.sourceIPAddress),
  });
}

/** AWS CloudTrail: one record, or a whole S3 object `{"Records": [...]}` expanded to one event per record. */
export const cloudtrailProfile: SourceProfile = {
  name: 'cloudtrail',
  description: 'AWS CloudTrail records; a {"Records": [...]} file expands to one event per record',
  detect: (input) => input.kind === 'json' && (isRecord(input.value) || isEnvelope(input.value)),
  normalize(input): NormalizedEvent[] {
    const v = jsonValue('cloudtrail', input);
    const records = Array.isArray(v.Records) ? v.Records : [v];
    if (records.length > MAX_RECORDS) {
      throw new VigilError('PROFILE_TOO_MANY_RECORDS', `cloudtrail: ${records.length} records in one input exceeds the limit of ${MAX_RECORDS}`, { field: 'Records' });
    }
    return records.map((r, i): NormalizedEvent => {
      if (!isObject(r)) {
        throw new VigilError('PROFILE_BAD_INPUT', `cloudtrail: Records[${i}] is not an object`, { field: `Records.${i}` });
      }
      return { logsource: { product: 'aws', service: 'cloudtrail' }, core: recordCore(r), original: r, profile: 'cloudtrail' };
    });
  },
};
