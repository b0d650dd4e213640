/**
 * Composition root of `vigil serve`: the only place that reads the environment, picks the storage
 * adapter, loads rules and wires store -> ingest -> detection -> HTTP API.
 */
import { existsSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { join, resolve } from 'node:path';
import { VigilError } from '../core/errors.js';
import { createApiServer, type ApiServer } from '../api/server.js';
import { generateToken, hashToken } from '../api/auth.js';
import type { AuditLog } from '../audit/log.js';
import { SYSTEM_ACTOR } from '../audit/log.js';
import type { Identity, SessionOptions } from '../identity/index.js';
import { Detector } from '../detect/detector.js';
import { AutoEngine } from '../sigma/engine/auto.js';
import { loadRules } from '../sigma/loader/load.js';
import type { Stores } from '../storage/ports.js';
import { openSqliteStores } from '../storage/sqlite/index.js';
import { IngestPipeline, type PipelineOptions } from '../ingest/pipeline.js';
import { VigilMetrics } from '../metrics/vigil-metrics.js';
import { metricsRoutes } from '../api/routes/metrics.js';
import { SyncDetectionStage, type SyncDetectionOptions } from './ingest.js';
import { TcpSyslogListener, UdpSyslogListener, type SyslogListener } from '../ingest/syslog/index.js';
import { durationMs, type SyslogListenerConfig } from './config.js';
import { wireIdentity } from './identity.js';

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
  /** Ingest queue bounds and commit size. */
  ingest?: PipelineOptions;
  /** In-process detection stage tuning. */
  detection?: SyncDetectionOptions;
  /** Syslog listeners (UDP, TCP, TLS); none by default. */
  syslog?: SyslogListenerConfig[];
  /** Session lifetimes and login rate limits (defaults: 30 min idle, 12 h absolute, 5 failures/15 min per user). */
  session?: SessionOptions;
  /** Session cookies get `Secure` (behind a TLS proxy); also VIGIL_SECURE_COOKIES=1. */
  secureCookies?: boolean;
}

export interface RunningVigil {
  url: string;
  port: number;
  server: ApiServer;
  stores: Stores;
  pipeline: IngestPipeline;
  metrics: VigilMetrics;
  /** Bound syslog listeners, in the order configured, with their ports. */
  syslog: { protocol: string; port: number; listener: SyslogListener }[];
  /** The audit log every service records its changes in. */
  audit: AuditLog;
  identity: Identity;
  rules: { loaded: number; errors: number };
  /** The token generated on first start (undefined when it came from the environment or already existed). */
  generatedToken?: string;
  close(): Promise<void>;
}

export const DEFAULT_PORT = 8470;
export const DEFAULT_HOST = '127.0.0.1';

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
  if (stores.tokens.count() > 0) return undefined;
  const token = generateToken();
  stores.tokens.add({ name: 'admin', hash: hashToken(token), role: 'admin' });
  return token;
}

export async function startVigil(options: ServeOptions = {}): Promise<RunningVigil> {
  const log = options.log ?? ((line: string) => process.stderr.write(`${line}\n`));
  const print = options.print ?? ((line: string) => process.stdout.write(`${line}\n`));
  const dataDir = resolve(options.dataDir ?? './data');
  const rulePaths = options.rules && options.rules.length ? options.rules : defaultRulePaths();

  const set = loadRules(rulePaths);
  log(`vigil: loaded ${set.rules.length} rules from ${set.files} files (${set.errors.length} errors)`);
  const engine = new AutoEngine(set.rules);

  const stores = openSqliteStores(dataDir);
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
  metrics.setRulesLoaded(set.rules.length);
  const onError = (message: string, err: unknown): void => log(`vigil: ${message}: ${(err as Error)?.message ?? String(err)}`);
  const env = options.env ?? process.env;
  const { audit, identity, authenticate, routes: identityRoutes } = wireIdentity(stores, {
    session: options.session, secureCookies: options.secureCookies ?? env['VIGIL_SECURE_COOKIES'] === '1',
  });
  if (generatedToken) {
    audit.record(SYSTEM_ACTOR, 'token.create', { type: 'token', id: hashToken(generatedToken).slice(0, 12) }, null, { name: 'admin', role: 'admin', bootstrap: true });
  }

  const detector = new Detector(engine, stores.alerts);
  const detection = new SyncDetectionStage(detector, stores, metrics, { onError, ...options.detection });
  const pipeline = new IngestPipeline(stores.events, detection, metrics, { onError, ...options.ingest });
  const server = createApiServer({
    ingest: pipeline,
    events: stores.events,
    alerts: stores.alerts,
    authenticate,
    extraRoutes: [...identityRoutes, ...metricsRoutes(metrics)],
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
    url, port, server, stores, pipeline, metrics, syslog, audit, identity, generatedToken,
    rules: { loaded: set.rules.length, errors: set.errors.length },
    close: async () => {
      // Stop taking connections, let queued events commit and detect, then close the store.
      for (const s of syslog) await s.listener.close();
      const closed = new Promise<void>((ok) => server.close(() => ok()));
      server.closeIdleConnections();
      await pipeline.close();
      server.closeAllConnections();
      await closed;
      stores.close();
    },
  };
}
