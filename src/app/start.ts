/**
 * Composition root of `vigil serve`: the only place that reads the environment, picks the storage
 * adapter, loads rules and wires store -> ingest -> detection -> HTTP API.
 */
import { existsSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { VigilError } from '../core/errors.js';
import { createApiServer, type ApiServer } from '../api/server.js';
import { ruleRoutes } from '../api/routes/rules.js';
import { generateToken, hashToken } from '../api/auth.js';
import { CaseService, type CaseServiceDeps } from '../cases/service.js';
import { loadTemplates } from '../cases/templates.js';
import type { AuditLog } from '../audit/log.js';
import { SYSTEM_ACTOR } from '../audit/log.js';
import type { Identity, SessionOptions } from '../identity/index.js';
import type { RetrohuntLimits } from '../detect/retrohunt.js';
import { loadRulesCached } from '../sigma/loader/cache.js';
import type { RetentionPolicy, Stores } from '../storage/ports.js';
import { openSqliteStores } from '../storage/sqlite/index.js';
import { IngestPipeline, type PipelineOptions } from '../ingest/pipeline.js';
import { VigilMetrics } from '../metrics/vigil-metrics.js';
import { metricsRoutes } from '../api/routes/metrics.js';
import { StreamingDetection, reloadRoutes } from './detection.js';
import type { LoadReport } from '../detect/types.js';
import { TcpSyslogListener, UdpSyslogListener, type SyslogListener } from '../ingest/syslog/index.js';
import { durationMs, type SyslogListenerConfig } from './config.js';
import { wireIdentity } from './identity.js';
import { createTicketing, resolveTicketingConfig, type SetCaseStatus } from '../integrations/ticketing/index.js';
import { integrationRoutes } from '../api/routes/integrations.js';
import { DEFAULT_GROUP_WINDOW_MS } from '../detect/alert-writer.js';
import { TuningFilter } from '../tuning/filter.js';
import { TuningService } from '../tuning/service.js';
import { suppressionRoutes } from '../api/routes/suppressions.js';
import { exceptionRoutes } from '../api/routes/exceptions.js';
import { openApiRoutes } from '../api/routes/openapi.js';
import { socRoutes } from '../api/routes/soc.js';
import { SocMetrics } from '../triage/soc.js';
import { TriageService } from '../triage/service.js';
import { slaTargets, type SlaTargets } from '../triage/sla.js';

export interface ServeOptions {
  dataDir?: string;
  port?: number;
  host?: string;
  /** Rule files or folders; default: the shared SigmaHQ corpus if present, else `rules/`. */
  rules?: string[];
  /** Environment to read VIGIL_ADMIN_TOKEN from; default process.env. */
  env?: Record<string, string | undefined>;
  /** Where the one-time admin token is printed; default stdout. */
  print?: (line: string) => void;
  /** Diagnostics; default stderr. */
  log?: (line: string) => void;
  maxBodyBytes?: number;
  /** Caps of `POST /api/v1/rules/:id/retrohunt` (matches returned, events scanned, time). */
  retrohunt?: Partial<RetrohuntLimits>;
  /** Ingest queue bounds and commit size. */
  ingest?: PipelineOptions;
  /** Detection stage tuning: in-flight bound and alert grouping window. */
  detection?: { maxInFlight?: number; groupWindowMs?: number };
  /** The `ticketing` section of the config (targets, retry); secrets may name environment variables. */
  ticketing?: unknown;
  /** The config file, for error messages. */
  configFile?: string;
  /** Retention by age and size, checked at start and every `checkEveryMs` (default 10 minutes). */
  retention?: RetentionPolicy & { checkEveryMs?: number };
  /** Syslog listeners (UDP, TCP, TLS); none by default. */
  syslog?: SyslogListenerConfig[];
  /** Session lifetimes and login rate limits (defaults: 30 min idle, 12 h absolute, 5 failures/15 min per user). */
  session?: SessionOptions;
  /** Session cookies get `Secure` (behind a TLS proxy); also VIGIL_SECURE_COOKIES=1. */
  secureCookies?: boolean;
  /** Case templates folder (default: `case-templates/` of the package) and the hooks case changes go to. */
  cases?: { templatesDir?: string } & Pick<CaseServiceDeps, 'audit' | 'onChange' | 'onAlertsLinked'>;
  /** SLA targets per severity (ms); defaults: critical 15m/4h, high 1h/24h, medium 4h/3d, low 24h/7d. */
  sla?: Partial<SlaTargets>;
  /** The clock of ingest receipt, alert creation, triage, cases, suppression windows and SOC metrics (tests script timelines with it). */
  now?: () => number;
}

export interface RunningVigil {
  url: string;
  port: number;
  server: ApiServer;
  stores: Stores;
  cases: CaseService;
  /** Suppressions and rule exceptions (applied as alerts are written). */
  tuning: TuningService;
  triage: TriageService;
  pipeline: IngestPipeline;
  metrics: VigilMetrics;
  /** Bound syslog listeners, in the order configured, with their ports. */
  syslog: { protocol: string; port: number; listener: SyslogListener }[];
  /** The audit log every service records its changes in. */
  audit: AuditLog;
  identity: Identity;
  rules: { loaded: number; errors: number };
  detection: StreamingDetection;
  /** Reloads the rules from the same paths (API route and SIGHUP); events keep flowing meanwhile. */
  reloadRules(): Promise<LoadReport>;
  /** The token generated on first start (undefined when it came from the environment or already existed). */
  generatedToken?: string;
  close(): Promise<void>;
}

export const DEFAULT_PORT = 8470;
export const DEFAULT_HOST = '127.0.0.1';

/** The `case-templates/` folder shipped with the package (dist/src/app -> package root). */
export const DEFAULT_CASE_TEMPLATES = fileURLToPath(new URL('../../../case-templates', import.meta.url));

export function defaultRulePaths(cwd: string = process.cwd()): string[] {
  const shared = resolve(cwd, '../shared/corpora/sigma/rules');
  return [existsSync(shared) ? shared : resolve(cwd, 'rules')];
}

/** Makes sure an admin token exists: VIGIL_ADMIN_TOKEN if set, else a new one returned for printing once. */
export function ensureAdminToken(stores: Stores, env: Record<string, string | undefined>): string | undefined {
  const fromEnv = env['VIGIL_ADMIN_TOKEN'];
  if (fromEnv !== undefined && fromEnv !== '') {
    if (fromEnv.length < 16) throw new VigilError('app.token.weak', 'VIGIL_ADMIN_TOKEN must be at least 16 characters');
    stores.tokens.add({ name: 'admin', hash: hashToken(fromEnv), role: 'admin' });
    return undefined;
  }
  // Tokens made with `vigil token create` before the first start must not stand in for the admin one.
  if (stores.tokens.list().some((t) => t.role === 'admin' && (t.expires === undefined || t.expires > Date.now()))) return undefined;
  const token = generateToken();
  stores.tokens.add({ name: 'admin', hash: hashToken(token), role: 'admin' });
  return token;
}

export async function startVigil(options: ServeOptions = {}): Promise<RunningVigil> {
  const log = options.log ?? ((line: string) => process.stderr.write(`${line}\n`));
  const print = options.print ?? ((line: string) => process.stdout.write(`${line}\n`));
  const dataDir = resolve(options.dataDir ?? './data');
  const rulePaths = options.rules && options.rules.length ? options.rules : defaultRulePaths();

  const stores = openSqliteStores(dataDir, { indexer: true });
  let generatedToken: string | undefined;
  try {
    generatedToken = ensureAdminToken(stores, options.env ?? process.env);
  } catch (err) {
    stores.close();
    throw err;
  }
  if (generatedToken) {
    print(`vigil: admin token (shown once, store it now): ${generatedToken}`);
  }

  const metrics = new VigilMetrics();
  const onError = (message: string, err: unknown): void => log(`vigil: ${message}: ${(err as Error)?.message ?? String(err)}`);
  const env = options.env ?? process.env;
  const { audit, identity, authenticate, routes: identityRoutes } = wireIdentity(stores, {
    session: options.session, secureCookies: options.secureCookies ?? env['VIGIL_SECURE_COOKIES'] === '1',
  });
  if (generatedToken) {
    audit.record(SYSTEM_ACTOR, 'token.create', { type: 'token', id: hashToken(generatedToken).slice(0, 12) }, null, { name: 'admin', role: 'admin', bootstrap: true });
  }

  const tuningFilter = new TuningFilter(stores.tuning, (id) => stores.events.getEvent(id),
    options.detection?.groupWindowMs ?? DEFAULT_GROUP_WINDOW_MS, log);
  const tuning = new TuningService({
    store: stores.tuning, events: stores.events, audit, changed: () => tuningFilter.refresh(), ...(options.now ? { now: options.now } : {}),
  });
  const detection = new StreamingDetection({
    rules: rulePaths, alerts: stores.alerts, transaction: stores.transaction, ...options.detection,
    filter: (d, eventOf, at) => tuningFilter.apply(d, eventOf, at),
    ...(options.now ? { clock: options.now } : {}),
    onError: (err) => log(`vigil: detection: ${err.describe()}`),
  }, metrics);
  let ruleReport: LoadReport;
  // The worker compiles its rules while this thread reads the catalog (rule list, retrohunt) in parallel.
  const started = detection.start();
  let catalog = loadRulesCached(rulePaths).rules;
  try {
    ruleReport = await started;
  } catch (err) {
    stores.close();
    throw err;
  }
  metrics.setRulesLoaded(ruleReport.loaded);
  log(`vigil: loaded ${ruleReport.loaded} rules from ${ruleReport.files} files (${ruleReport.errors.length} errors)`);
  for (const e of ruleReport.errors.slice(0, 20)) log(`vigil: rule error: ${e.file ?? ''}${e.line ? `:${e.line}` : ''}${e.column ? `:${e.column}` : ''}: ${e.message}`);
  const reloadRules = async (): Promise<LoadReport> => {
    const report = await detection.reload(rulePaths);
    if (report.applied) catalog = loadRulesCached(rulePaths).rules;
    metrics.setRulesLoaded(detection.report?.loaded ?? 0);
    log(`vigil: rules reloaded: ${report.loaded} rules, ${report.errors.length} errors${report.applied ? '' : ' (not applied: the previous rules stay)'}`);
    return report;
  };
  const pipeline = new IngestPipeline(stores.events, detection, metrics, { onError, ...options.ingest });
  const ticketingConfig = resolveTicketingConfig(options.ticketing, options.env ?? process.env, options.configFile);
  let setCaseStatus: SetCaseStatus = () => false;
  const ticketing = createTicketing(stores.deliveries, ticketingConfig, (caseId, status, actor) => setCaseStatus(caseId, status, actor), { log });
  const templateSet = loadTemplates(options.cases?.templatesDir ?? DEFAULT_CASE_TEMPLATES);
  for (const e of templateSet.errors) log(`vigil: case template: ${e.describe()}`);
  const now = options.now ?? Date.now;
  const triage = new TriageService({ alerts: stores.alerts, users: stores.users, audit, transaction: stores.transaction, now });
  const cases = new CaseService({
    store: stores.cases, alerts: stores.alerts, events: stores.events, templates: templateSet.templates,
    transaction: stores.transaction, now,
    onChange: (event) => { ticketing.onCaseChange(event); options.cases?.onChange?.(event); },
    onAlertsLinked: (alertIds, caseId) => { triage.onAlertsLinked(alertIds, caseId); options.cases?.onAlertsLinked?.(alertIds, caseId); },
    log,
    audit: options.cases?.audit ?? {
      record: (e) => {
        const actor = e.actorUserId === undefined ? { kind: e.actorKind ?? 'token', name: e.actor } : { kind: e.actorKind ?? 'user', name: e.actor, userId: e.actorUserId };
        audit.record(actor, e.action, { type: e.targetType, id: e.targetId }, e.before ?? null, e.after ?? null);
      },
    },
  });
  setCaseStatus = (caseId, status, actor) => {
    try {
      cases.update({ name: actor, kind: 'integration' }, caseId, { status });
      return true;
    } catch (err) {
      if (err instanceof VigilError && err.code === 'cases.not_found') return false;
      throw err;
    }
  };
  const server = createApiServer({
    ingest: pipeline,
    events: stores.events,
    alerts: stores.alerts,
    held: stores.tuning,
    triage,
    cases,
    authenticate,
    now,
    extraRoutes: [
      ...identityRoutes,
      ...integrationRoutes({ deliveries: stores.deliveries, sync: ticketing.sync }),
      ...metricsRoutes(metrics),
      ...socRoutes(new SocMetrics(stores.soc, slaTargets(options.sla), now)),
      ...reloadRoutes(reloadRules),
      ...ruleRoutes({ rules: () => catalog, events: stores.events, retrohunt: options.retrohunt }),
      ...suppressionRoutes(tuning, stores.tuning),
      ...exceptionRoutes(tuning),
      ...openApiRoutes(() => server.routes()),
    ],
    maxBodyBytes: options.maxBodyBytes,
  });
  server.requestTimeout = 120_000;
  server.headersTimeout = 30_000;

  const host = options.host ?? DEFAULT_HOST;
  try {
    await new Promise<void>((ok, fail) => {
      server.once('error', fail);
      server.listen(options.port ?? DEFAULT_PORT, host, () => { server.off('error', fail); ok(); });
    });
  } catch (err) {
    await pipeline.close();
    stores.close();
    throw new VigilError('app.listen', `cannot listen on ${host}:${options.port ?? DEFAULT_PORT}: ${(err as Error).message}`, {}, { cause: err });
  }
  const port = (server.address() as AddressInfo).port;
  ticketing.start();
  const retentionTimer = startRetention(stores, options.retention, log);
  const syslog: RunningVigil['syslog'] = [];
  try {
    for (const l of options.syslog ?? []) {
      const common = {
        port: l.port, host: l.host, maxMessageBytes: l.maxMessageBytes, maxConnections: l.maxConnections,
        idleTimeoutMs: durationMs(l.idleTimeout), log: (line: string) => log(`vigil: ${line}`),
        ...(l.profile === undefined ? {} : { profile: l.profile }),
      };
      const listener = l.protocol === 'udp'
        ? new UdpSyslogListener(pipeline, common)
        : new TcpSyslogListener(pipeline, l.protocol === 'tls' && l.tls ? { ...common, tls: l.tls } : common);
      const bound = await listener.start();
      syslog.push({ protocol: l.protocol, port: bound.port, listener });
      metrics.watchSyslog(listener);
      log(`vigil: syslog ${l.protocol} on ${l.host}:${bound.port}`);
    }
  } catch (err) {
    for (const s of syslog) await s.listener.close();
    await new Promise<void>((ok) => server.close(() => ok()));
    await pipeline.close();
    stores.close();
    throw err;
  }
  const urlHost = host.includes(':') ? `[${host}]` : host;
  const url = `http://${urlHost}:${port}`;
  log(`vigil: listening on ${url} (data: ${join(dataDir)})`);

  return {
    url, port, server, stores, cases, tuning, triage, pipeline, metrics, syslog, audit, identity, generatedToken,
    rules: { loaded: ruleReport.loaded, errors: ruleReport.errors.length },
    detection, reloadRules,
    close: async () => {
      // Stop taking connections, let queued events commit and detect, then close the store.
      clearInterval(retentionTimer);
      for (const s of syslog) await s.listener.close();
      const closed = new Promise<void>((ok) => server.close(() => ok()));
      server.closeIdleConnections();
      await pipeline.close();
      server.closeAllConnections();
      await closed;
      await ticketing.stop();
      stores.close();
    },
  };
}

/**
 * Drops whole day partitions the policy no longer keeps: at start, then on a timer. It runs between
 * ingest commits on this thread, so no batch is ever half dropped.
 */
function startRetention(stores: Stores, policy: ServeOptions['retention'], log: (line: string) => void): NodeJS.Timeout | undefined {
  if (!policy || (policy.maxAgeDays === undefined && policy.maxSizeMB === undefined)) return undefined;
  const { checkEveryMs = 600_000, ...rules } = policy;
  const run = (): void => {
    try {
      const report = stores.events.applyRetention(rules);
      for (const d of report.dropped) log(`vigil: retention dropped ${d.day} (${d.rows} events, by ${d.reason})`);
      for (const w of report.warnings) log(`vigil: retention: ${w}`);
    } catch (err) {
      log(`vigil: retention failed: ${(err as Error).message}`);
    }
  };
  run();
  const timer = setInterval(run, checkEveryMs);
  timer.unref();
  return timer;
}
