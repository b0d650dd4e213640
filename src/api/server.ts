/**
 * The HTTP API (transport only): a router of route modules, authentication and body limits. Services
 * arrive through ApiDeps; this file knows no concrete store.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { VigilError } from '../core/errors.js';
import type { CaseService } from '../cases/service.js';
import type { IngestSink } from '../ingest/types.js';
import type { TriageService } from '../triage/service.js';
import type { AlertStore, EventStore } from '../storage/ports.js';
import { createAuthenticator } from './authenticate.js';
import { DEFAULT_MAX_BODY_BYTES, errorBody, HttpError, readBody, sendError, sendJson } from './http.js';
import { Router, type Authenticate, type Principal, type RouteDef } from './router.js';
import { alertRoutes } from './routes/alerts.js';
import { caseRoutes } from './routes/cases.js';
import { eventRoutes } from './routes/events.js';
import { hecRoutes } from './routes/hec.js';
import { ingestRoutes } from './routes/ingest.js';

export type { IngestOutcome } from '../ingest/types.js';

export interface ApiDeps {
  ingest: IngestSink;
  events: EventStore;
  alerts: AlertStore;
  /** The principal behind a token's SHA-256 hex hash, if any (used when `authenticate` is not given). */
  principalFor?(hash: string): Principal | undefined;
  /** Bearer tokens and session cookies (see authenticate.ts); default: bearer tokens via principalFor. */
  authenticate?: Authenticate;
  /** Alert triage (status, assignment, bulk); without it alerts are read-only. */
  triage?: TriageService;
  /** Case management; its routes are mounted when given. */
  cases?: CaseService;
  /** Route modules added by the composition root (metrics, rules, ...). */
  extraRoutes?: RouteDef[];
  maxBodyBytes?: number;
  now?: () => number;
  version?: string;
}

export interface ApiServer extends Server {
  routes(): readonly RouteDef[];
}

export function createApiServer(deps: ApiDeps): ApiServer {
  const maxBody = deps.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
  const now = deps.now ?? Date.now;
  const router = new Router(deps.authenticate ?? createAuthenticator({ bearer: (hash) => deps.principalFor?.(hash) }));
  router.add(
    {
      method: 'GET', path: '/healthz', permission: 'public', summary: 'Liveness',
      handler: ({ res }) => sendJson(res, 200, { status: 'ok', version: deps.version ?? 'dev' }),
    },
    ...ingestRoutes(deps.ingest, now),
    ...hecRoutes(deps.ingest, { maxBodyBytes: maxBody, now }),
    ...eventRoutes(deps.events, now),
    ...alertRoutes(deps.alerts, deps.triage),
    ...(deps.cases ? caseRoutes(deps.cases) : []),
    ...(deps.extraRoutes ?? []),
  );

  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    router.dispatch({ req, res, url, body: () => readBody(req, maxBody) }).catch((err: unknown) => {
      if (res.headersSent) { res.destroy(); return; }
      if (err instanceof HttpError) sendError(res, err.status, err.code, err.message);
      else if (err instanceof VigilError) sendJson(res, 400, errorBody(err));
      else sendError(res, 500, 'api.internal', 'internal error');
    });
  }) as ApiServer;
  server.routes = () => router.list();
  return server;
}
