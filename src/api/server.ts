/**
 * The HTTP API (transport only): routes, authentication and body limits. Services arrive through
 * ApiDeps; this file knows no concrete store.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { VigilError } from '../core/errors.js';
import type { EventObject } from '../core/event.js';
import { parseBulk } from '../formats/json/esbulk.js';
import {
  acceptedResult, buildBulkResponse, bulkErrorResponse, parseErrorResult, rejectedResult, type BulkItemResult,
} from '../formats/json/esbulk-response.js';
import { splitNdjson } from '../formats/json/ndjson.js';
import { compileHunt } from '../query/sql/compile.js';
import { DEFAULT_SCHEMA } from '../query/sql/schema.js';
import { resolveTimeRange } from '../query/time.js';
import { ALERT_STATUSES, type AlertStatus, type AlertStore, type EventStore } from '../storage/ports.js';
import { hashToken, presentedToken } from './auth.js';
import {
  DEFAULT_MAX_BODY_BYTES, HttpError, intParam, parseJsonObject, pathId, readBody, sendError, sendJson,
} from './http.js';

/** What one ingested input became: the stored ids (a CloudTrail file can give several) or why it was refused. */
export type IngestOutcome = { ok: true; ids: number[] } | { ok: false; reason: string };

export interface ApiDeps {
  /** Normalizes, stores (one transaction) and runs detection; returns once committed. */
  ingest(values: readonly EventObject[]): IngestOutcome[];
  events: EventStore;
  alerts: AlertStore;
  /** True when a token with this SHA-256 hex hash exists. */
  tokenKnown(hash: string): boolean;
  maxBodyBytes?: number;
  now?: () => number;
  version?: string;
}

type Handler = (req: IncomingMessage, res: ServerResponse, params: string[], url: URL) => Promise<void> | void;
interface Route { method: string; pattern: RegExp; handler: Handler; public?: boolean }

const MAX_ERRORS_REPORTED = 20;

export function createApiServer(deps: ApiDeps): Server {
  const maxBody = deps.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
  const now = deps.now ?? Date.now;
  const body = (req: IncomingMessage): Promise<Buffer> => readBody(req, maxBody);

  const ingestBody: Handler = async (req, res) => {
    const items = splitNdjson(await body(req), { file: 'request body' });
    const values: EventObject[] = [];
    const lines: number[] = [];
    const errors: { line: number; message: string }[] = [];
    for (const item of items) {
      if (item.ok) { values.push(item.value as EventObject); lines.push(item.line); } else errors.push({ line: item.line, message: item.error.message });
    }
    const outcomes = deps.ingest(values);
    let accepted = 0;
    outcomes.forEach((o, i) => {
      if (o.ok) accepted += o.ids.length;
      else errors.push({ line: lines[i] ?? 0, message: o.reason });
    });
    const status = accepted === 0 && errors.length > 0 ? 400 : 200;
    sendJson(res, status, { accepted, rejected: errors.length, errors: errors.slice(0, MAX_ERRORS_REPORTED) });
  };

  const bulk: Handler = async (req, res, params) => {
    const started = performance.now();
    let items;
    try {
      items = parseBulk(await body(req), params[0] ? { defaultIndex: decodeURIComponent(params[0]) } : {});
    } catch (err) {
      if (err instanceof VigilError && !(err instanceof HttpError)) {
        const e = bulkErrorResponse(err);
        sendJson(res, e.status, e);
        return;
      }
      throw err;
    }
    const toStore = items.filter((it) => !it.error && (it.action === 'index' || it.action === 'create') && it.source);
    const outcomes = deps.ingest(toStore.map((it) => it.source!));
    const byItem = new Map(toStore.map((it, i) => [it, outcomes[i]!]));
    const results: BulkItemResult[] = items.map((it) => {
      const outcome = byItem.get(it);
      if (it.error) return parseErrorResult({ ...it, error: it.error }, it.id ?? '');
      if (!outcome) return rejectedResult(it, it.id ?? '', 400, 'illegal_argument_exception', `'${it.action}' is not supported: events are append-only`);
      if (!outcome.ok) return rejectedResult(it, it.id ?? '', 400, 'document_parsing_exception', outcome.reason);
      return acceptedResult(it, it.id ?? String(outcome.ids[0] ?? ''));
    });
    sendJson(res, 200, buildBulkResponse(results, performance.now() - started));
  };

  const routes: Route[] = [
    { method: 'GET', pattern: /^\/healthz$/, public: true, handler: (_q, res) => sendJson(res, 200, { status: 'ok', version: deps.version ?? 'dev' }) },
    { method: 'POST', pattern: /^\/api\/v1\/events$/, handler: ingestBody },
    { method: 'POST', pattern: /^\/_bulk$/, handler: bulk },
    { method: 'POST', pattern: /^\/([^/_][^/]*)\/_bulk$/, handler: bulk },
    {
      method: 'GET', pattern: /^\/api\/v1\/events\/([^/]+)$/, handler: (_q, res, p) => {
        const event = deps.events.getEvent(pathId(p[0]!));
        if (!event) throw new HttpError(404, 'api.not_found', 'event not found');
        sendJson(res, 200, event);
      },
    },
    {
      method: 'GET', pattern: /^\/api\/v1\/alerts$/, handler: (_q, res, _p, url) => {
        const status = url.searchParams.get('status') ?? undefined;
        if (status !== undefined && !ALERT_STATUSES.includes(status as AlertStatus)) {
          throw new HttpError(400, 'api.param', `'status' must be one of ${ALERT_STATUSES.join(', ')}`);
        }
        const limit = Math.min(intParam(url.searchParams, 'limit', 50), 500);
        const offset = intParam(url.searchParams, 'offset', 0);
        const { total, alerts } = deps.alerts.list({ limit, offset, status: status as AlertStatus | undefined });
        sendJson(res, 200, { total, limit, offset, alerts });
      },
    },
    {
      method: 'GET', pattern: /^\/api\/v1\/alerts\/([^/]+)$/, handler: (_q, res, p) => {
        const alert = deps.alerts.get(pathId(p[0]!));
        if (!alert) throw new HttpError(404, 'api.not_found', 'alert not found');
        sendJson(res, 200, alert);
      },
    },
    {
      method: 'PATCH', pattern: /^\/api\/v1\/alerts\/([^/]+)$/, handler: async (req, res, p) => {
        const id = pathId(p[0]!);
        const { status } = parseJsonObject(await body(req));
        if (typeof status !== 'string' || !ALERT_STATUSES.includes(status as AlertStatus)) {
          throw new HttpError(400, 'api.param', `'status' must be one of ${ALERT_STATUSES.join(', ')}`);
        }
        const alert = deps.alerts.updateStatus(id, status as AlertStatus);
        if (!alert) throw new HttpError(404, 'api.not_found', 'alert not found');
        sendJson(res, 200, alert);
      },
    },
    {
      method: 'POST', pattern: /^\/api\/v1\/search$/, handler: async (req, res) => {
        const { query, from, to } = parseJsonObject(await body(req));
        if (typeof query !== 'string') throw new HttpError(400, 'api.param', "'query' must be a string");
        const timeArg = (v: unknown, name: string): string | number | undefined => {
          if (v === undefined || v === null || typeof v === 'string' || typeof v === 'number') return v ?? undefined;
          throw new HttpError(400, 'api.param', `'${name}' must be a string or epoch milliseconds`);
        };
        const t = now();
        const range = resolveTimeRange({ from: timeArg(from, 'from'), to: timeArg(to, 'to') }, t);
        const compiled = compileHunt(query, { range, now: t, schema: DEFAULT_SCHEMA });
        sendJson(res, 200, { range, ...deps.events.search(compiled) });
      },
    },
  ];

  return createServer((req, res) => {
    void handle(req, res).catch((err: unknown) => {
      if (res.headersSent) { res.destroy(); return; }
      if (err instanceof HttpError) sendError(res, err.status, err.code, err.message);
      else if (err instanceof VigilError) sendError(res, 400, err.code, err.describe());
      else sendError(res, 500, 'api.internal', 'internal error');
    });
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const method = req.method ?? 'GET';
    let pathMatched = false;
    for (const route of routes) {
      const m = route.pattern.exec(url.pathname);
      if (!m) continue;
      pathMatched = true;
      if (route.method !== method) continue;
      if (!route.public) {
        const token = presentedToken(req);
        if (!token || !deps.tokenKnown(hashToken(token))) {
          res.setHeader('www-authenticate', 'Bearer realm="vigil"');
          throw new HttpError(401, 'api.unauthorized', 'a valid bearer token is required');
        }
      }
      await route.handler(req, res, m.slice(1), url);
      return;
    }
    if (pathMatched) throw new HttpError(405, 'api.method', `method ${method} not allowed`);
    throw new HttpError(404, 'api.not_found', 'not found');
  }
}
