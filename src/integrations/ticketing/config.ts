/**
 * The `ticketing` config section: targets and retry policy. Secrets are given inline or, better, as the
 * name of an environment variable (`...Env`); the app passes its environment in, this module never
 * reads process.env. Errors name the field, never a secret's value.
 */
import { z } from 'zod';
import { VigilError } from '../../core/errors.js';
import { DEFAULT_RETRY, type RetryPolicy } from './backoff.js';
import type { AuthConfig } from './targets/connector.js';
import { JIRA_DEFAULT_PRIORITIES, JIRA_DEFAULT_TRANSITIONS, type JiraTarget } from './targets/jira.js';
import { SN_DEFAULT_IMPACT, SN_DEFAULT_STATES, SN_DEFAULT_URGENCY, type ServiceNowTarget } from './targets/servicenow.js';
import type { WebhookTarget } from './targets/webhook.js';

const duration = z.string().regex(/^\d+(ms|s|m|h|d)$/, 'a duration such as 500ms, 30s, 10m, 24h or 7d');
const envName = z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'an environment variable name');
const httpUrl = z.string().url().refine((u) => {
  const url = new URL(u);
  return (url.protocol === 'http:' || url.protocol === 'https:') && !url.username && !url.password;
}, 'an http(s) URL without credentials (put those in auth)');
const statusMap = z.record(z.string().min(1), z.string().min(1));

const auth = z.discriminatedUnion('type', [
  z.object({
    type: z.literal('basic'),
    /** Jira Cloud: the account email; ServiceNow: the user name. */
    user: z.string().min(1),
    /** Jira Cloud: an API token. */
    password: z.string().min(1).optional(),
    passwordEnv: envName.optional(),
  }).strict(),
  z.object({ type: z.literal('bearer'), token: z.string().min(1).optional(), tokenEnv: envName.optional() }).strict(),
]);

const common = {
  /** How the target is named in the delivery log and in ticket-status requests. */
  name: z.string().regex(/^[a-z0-9][a-z0-9_-]{0,63}$/, 'lower-case letters, digits, - and _ (at most 64)'),
  url: httpUrl,
  /** Ticket status (case-insensitive) -> case status, for POST /api/v1/integrations/ticket-status. */
  statusIn: statusMap.optional(),
  /** HMAC secret the ticketing side signs status updates with (the webhook's own secret by default). */
  inboundSecret: z.string().min(16).optional(),
  inboundSecretEnv: envName.optional(),
};

const webhook = z.object({
  ...common,
  kind: z.literal('webhook'),
  /** HMAC-SHA256 key for X-Vigil-Signature. */
  secret: z.string().min(16).optional(),
  secretEnv: envName.optional(),
}).strict();

const jira = z.object({
  ...common,
  kind: z.literal('jira'),
  project: z.string().min(1),
  issueType: z.string().min(1).default('Task'),
  auth,
  priorities: statusMap.optional(),
  /** Case status -> Jira status, transition name or transition id. */
  transitions: statusMap.optional(),
}).strict();

const servicenow = z.object({
  ...common,
  kind: z.literal('servicenow'),
  auth,
  urgency: z.record(z.string(), z.number().int().min(1).max(3)).optional(),
  impact: z.record(z.string(), z.number().int().min(1).max(3)).optional(),
  states: z.record(z.string(), z.number().int().min(1).max(99)).optional(),
}).strict();

export const TicketingConfigSchema = z.object({
  targets: z.array(z.discriminatedUnion('kind', [webhook, jira, servicenow])).max(32).default([]),
  retry: z.object({
    maxAttempts: z.number().int().min(1).max(50).default(DEFAULT_RETRY.maxAttempts),
    baseDelay: duration.default('1s'),
    maxDelay: duration.default('5m'),
    maxRetryAfter: duration.default('1h'),
    timeout: duration.default('10s'),
  }).strict().default({}),
  /** How long settled deliveries stay in the delivery log. */
  keepLog: duration.default('30d'),
}).strict();

export type TicketingConfig = z.input<typeof TicketingConfigSchema>;

export const DEFAULT_STATUS_IN: Record<'webhook' | 'jira' | 'servicenow', Record<string, string>> = {
  webhook: { open: 'open', 'in-progress': 'in-progress', contained: 'contained', resolved: 'resolved', closed: 'closed' },
  jira: { 'to do': 'open', open: 'open', 'in progress': 'in-progress', resolved: 'resolved', done: 'closed', closed: 'closed' },
  servicenow: {
    1: 'open', new: 'open', 2: 'in-progress', 'in progress': 'in-progress', 3: 'in-progress', 'on hold': 'in-progress',
    6: 'resolved', resolved: 'resolved', 7: 'closed', closed: 'closed', 8: 'closed', canceled: 'closed',
  },
};

export type ResolvedTarget = (WebhookTarget | JiraTarget | ServiceNowTarget) & {
  /** Lower-cased ticket status -> case status. */
  statusIn: Record<string, string>;
  inboundSecret?: string;
};

export interface ResolvedTicketing {
  targets: ResolvedTarget[];
  retry: RetryPolicy;
  keepLogMs: number;
}

export function durationMs(text: string): number {
  const m = /^(\d+)(ms|s|m|h|d)$/.exec(text)!;
  return Number(m[1]) * { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 }[m[2] as 'ms' | 's' | 'm' | 'h' | 'd'];
}

function lowerKeys(map: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(map).map(([k, v]) => [k.toLowerCase(), v]));
}

/** Validates the section and resolves secrets from `env`; errors carry `ticketing.<path>` as the field. */
export function resolveTicketingConfig(raw: unknown, env: Record<string, string | undefined>, file = '<config>'): ResolvedTicketing {
  const parsed = TicketingConfigSchema.safeParse(raw ?? {});
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const field = ['ticketing', ...issue.path].join('.');
    throw new VigilError('config.invalid', `${file}: ${field}: ${issue.message}`, { file, field });
  }
  const cfg = parsed.data;
  const secret = (i: number, name: string, inline: string | undefined, envVar: string | undefined, required: boolean): string | undefined => {
    const field = `ticketing.targets.${i}.${name}`;
    if (inline !== undefined && envVar !== undefined) throw new VigilError('config.invalid', `${file}: ${field}: give ${name} or ${name}Env, not both`, { file, field });
    if (envVar !== undefined) {
      const value = env[envVar];
      if (value === undefined || value === '') throw new VigilError('config.secret', `${file}: ${field}Env: environment variable ${envVar} is not set`, { file, field: `${field}Env` });
      return value;
    }
    if (inline === undefined && required) throw new VigilError('config.invalid', `${file}: ${field}: ${name} or ${name}Env is required`, { file, field });
    return inline;
  };
  const authOf = (i: number, a: z.infer<typeof auth>): AuthConfig => a.type === 'basic'
    ? { type: 'basic', user: a.user, secret: secret(i, 'auth.password', a.password, a.passwordEnv, true)! }
    : { type: 'bearer', token: secret(i, 'auth.token', a.token, a.tokenEnv, true)! };

  const names = new Set<string>();
  const targets = cfg.targets.map((t, i): ResolvedTarget => {
    if (names.has(t.name)) throw new VigilError('config.invalid', `${file}: ticketing.targets.${i}.name: duplicate target name '${t.name}'`, { file, field: `ticketing.targets.${i}.name` });
    names.add(t.name);
    const inbound = secret(i, 'inboundSecret', t.inboundSecret, t.inboundSecretEnv, false);
    const statusIn = lowerKeys(t.statusIn ?? DEFAULT_STATUS_IN[t.kind]);
    const extra = { statusIn, ...(inbound === undefined ? {} : { inboundSecret: inbound }) };
    switch (t.kind) {
      case 'webhook': {
        const s = secret(i, 'secret', t.secret, t.secretEnv, true)!;
        if (s.length < 16) throw new VigilError('config.secret', `${file}: ticketing.targets.${i}.secretEnv: the secret must be at least 16 characters`, { file });
        return { kind: 'webhook', name: t.name, url: t.url, secret: s, ...extra, inboundSecret: inbound ?? s };
      }
      case 'jira':
        return {
          kind: 'jira', name: t.name, url: t.url, project: t.project, issueType: t.issueType, auth: authOf(i, t.auth),
          priorities: t.priorities ?? JIRA_DEFAULT_PRIORITIES, transitions: t.transitions ?? JIRA_DEFAULT_TRANSITIONS, ...extra,
        };
      case 'servicenow':
        return {
          kind: 'servicenow', name: t.name, url: t.url, auth: authOf(i, t.auth),
          urgency: t.urgency ?? SN_DEFAULT_URGENCY, impact: t.impact ?? SN_DEFAULT_IMPACT, states: t.states ?? SN_DEFAULT_STATES, ...extra,
        };
    }
  });
  return {
    targets,
    retry: {
      maxAttempts: cfg.retry.maxAttempts,
      baseDelayMs: durationMs(cfg.retry.baseDelay),
      maxDelayMs: durationMs(cfg.retry.maxDelay),
      maxRetryAfterMs: durationMs(cfg.retry.maxRetryAfter),
      timeoutMs: durationMs(cfg.retry.timeout),
    },
    keepLogMs: durationMs(cfg.keepLog),
  };
}
