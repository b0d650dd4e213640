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
import { generateToken, hashToken } from '../api/auth.js';
import { isRole } from '../api/permissions.js';
import { CaseService, type CaseServiceDeps } from '../cases/service.js';
import { loadTemplates } from '../cases/templates.js';
import { Detector } from '../detect/detector.js';
import { AutoEngine } from '../sigma/engine/auto.js';
import { loadRules } from '../sigma/loader/load.js';
import type { Stores } from '../storage/ports.js';
import { openSqliteStores } from '../storage/sqlite/index.js';
import { createIngest } from './ingest.js';

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
  /** Case templates folder (default: `case-templates/` of the package) and the hooks case changes go to. */
  cases?: { templatesDir?: string } & Pick<CaseServiceDeps, 'audit' | 'onChange' | 'onAlertsLinked'>;
}

export interface RunningVigil {
  url: string;
  port: number;
  server: ApiServer;
  stores: Stores;
  cases: CaseService;
  rules: { loaded: number; errors: number };
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

  const detector = new Detector(engine, stores.alerts);
  const ingest = createIngest(stores, detector, (err) => log(`vigil: detection failed: ${(err as Error).message}`));
  const templateSet = loadTemplates(options.cases?.templatesDir ?? DEFAULT_CASE_TEMPLATES);
  for (const e of templateSet.errors) log(`vigil: case template: ${e.describe()}`);
  const cases = new CaseService({
    store: stores.cases, alerts: stores.alerts, events: stores.events, templates: templateSet.templates,
    transaction: stores.transaction, audit: options.cases?.audit, onChange: options.cases?.onChange,
    onAlertsLinked: options.cases?.onAlertsLinked, log,
  });
  const server = createApiServer({
    ingest,
    events: stores.events,
    alerts: stores.alerts,
    cases,
    principalFor: (hash) => {
      const t = stores.tokens.lookup(hash);
      if (!t || !isRole(t.role)) return undefined;
      return t.profile === undefined ? { name: t.name, role: t.role, kind: t.kind } : { name: t.name, role: t.role, kind: t.kind, profile: t.profile };
    },
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
    stores.close();
    throw new VigilError('app.listen', `cannot listen on ${host}:${options.port ?? DEFAULT_PORT}: ${(err as Error).message}`, {}, { cause: err });
  }
  const port = (server.address() as AddressInfo).port;
  const urlHost = host.includes(':') ? `[${host}]` : host;
  const url = `http://${urlHost}:${port}`;
  log(`vigil: listening on ${url} (data: ${join(dataDir)})`);

  return {
    url, port, server, stores, cases, generatedToken,
    rules: { loaded: set.rules.length, errors: set.errors.length },
    close: () => new Promise<void>((ok) => {
      server.closeAllConnections();
      server.close(() => { stores.close(); ok(); });
    }),
  };
}
