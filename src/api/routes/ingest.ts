/** Event ingest over HTTP: native NDJSON / JSON array and the Elasticsearch `_bulk` API. */
import { VigilError } from '../../core/errors.js';
import type { EventObject } from '../../core/event.js';
import { parseBulk } from '../../formats/json/esbulk.js';
import {
  acceptedResult, buildBulkResponse, bulkErrorResponse, parseErrorResult, rejectedResult, type BulkItemResult,
} from '../../formats/json/esbulk-response.js';
import { splitNdjson } from '../../formats/json/ndjson.js';
import type { ProfileInput } from '../../formats/profiles/types.js';
import { OverloadedError, StoreUnavailableError, type IngestOutcome, type IngestSink, type SourceInfo } from '../../ingest/types.js';
import { HttpError, sendJson } from '../http.js';
import type { RequestContext, RouteDef } from '../router.js';

const MAX_ERRORS_REPORTED = 20;

export function sourceInfo(ctx: RequestContext, source: string, receivedAt: number): SourceInfo {
  const info: SourceInfo = { source, receivedAt };
  if (ctx.principal?.profile) info.profile = ctx.principal.profile;
  return info;
}

/** Submits and maps overload to 429 (store failure to 503) + Retry-After, so shippers back off and retry. */
export async function submitOr429(sink: IngestSink, ctx: RequestContext, inputs: ProfileInput[], info: SourceInfo): Promise<IngestOutcome[]> {
  try {
    return await sink.submit(inputs, info);
  } catch (err) {
    if (err instanceof OverloadedError) {
      ctx.res.setHeader('retry-after', String(err.retryAfterSeconds));
      if (err instanceof StoreUnavailableError) throw new HttpError(503, 'api.unavailable', `${err.message}; retry in ${err.retryAfterSeconds} s`);
      throw new HttpError(429, 'api.overloaded', `${err.message}; retry in ${err.retryAfterSeconds} s`);
    }
    throw err;
  }
}

/** `Idempotency-Key` (or `X-Vigil-Batch-Id`): a client's id for the whole body, so a retried body lands once. */
function idempotencyKey(ctx: RequestContext): string | undefined {
  const raw = ctx.req.headers['idempotency-key'] ?? ctx.req.headers['x-vigil-batch-id'];
  const value = Array.isArray(raw) ? raw[0] : raw;
  if (value === undefined || value === '') return undefined;
  if (value.length > 200) throw new HttpError(400, 'api.param', 'Idempotency-Key must be at most 200 characters');
  return value;
}

function json(value: EventObject, text: string | undefined): ProfileInput {
  return text === undefined ? { kind: 'json', value } : { kind: 'json', value, json: text };
}

export function ingestRoutes(sink: IngestSink, now: () => number = Date.now): RouteDef[] {
  const ingestBody = async (ctx: RequestContext): Promise<void> => {
    const receivedAt = now();
    const items = splitNdjson(await ctx.body(), { file: 'request body' });
    const values: ProfileInput[] = [];
    const lines: number[] = [];
    const errors: { line: number; message: string }[] = [];
    for (const item of items) {
      if (item.ok) { values.push(json(item.value as EventObject, item.text)); lines.push(item.line); } else errors.push({ line: item.line, message: item.error.message });
    }
    const info = sourceInfo(ctx, 'http', receivedAt);
    const batchId = idempotencyKey(ctx);
    if (batchId !== undefined) {
      info.dedupKeys = lines.map((line) => `${batchId}:${line}`);
      info.dedupScope = `http:${ctx.principal?.name ?? ''}`;
    }
    const outcomes = values.length ? await submitOr429(sink, ctx, values, info) : [];
    let accepted = 0;
    outcomes.forEach((o, i) => {
      if (o.ok) accepted += o.ids.length;
      else errors.push({ line: lines[i] ?? 0, message: o.reason });
    });
    errors.sort((a, b) => a.line - b.line);
    const status = accepted === 0 && errors.length > 0 ? 400 : 200;
    sendJson(ctx.res, status, { accepted, rejected: errors.length, errors: errors.slice(0, MAX_ERRORS_REPORTED) });
  };

  const bulk = async (ctx: RequestContext): Promise<void> => {
    const started = performance.now();
    const receivedAt = now();
    let items;
    try {
      items = parseBulk(await ctx.body(), ctx.params['index'] ? { defaultIndex: ctx.params['index'] } : {});
    } catch (err) {
      if (err instanceof VigilError && !(err instanceof HttpError)) {
        const e = bulkErrorResponse(err);
        sendJson(ctx.res, e.status, e);
        return;
      }
      throw err;
    }
    const toStore = items.filter((it) => !it.error && (it.action === 'index' || it.action === 'create') && it.source);
    const info = sourceInfo(ctx, 'bulk', receivedAt);
    // Documents with an `_id` land once per index, as in Elasticsearch: a shipper's retry after a lost
    // answer (or our crash) does not store them twice.
    if (toStore.some((it) => it.id !== undefined)) {
      info.dedupKeys = toStore.map((it) => (it.id === undefined ? undefined : `${it.index}\u0000${it.id}`));
      info.dedupScope = `bulk:${ctx.principal?.name ?? ''}`;
    }
    const outcomes = toStore.length ? await submitOr429(sink, ctx, toStore.map((it) => json(it.source!, it.sourceText)), info) : [];
    const byItem = new Map(toStore.map((it, i) => [it, outcomes[i]!]));
    const results: BulkItemResult[] = items.map((it) => {
      const outcome = byItem.get(it);
      if (it.error) return parseErrorResult({ ...it, error: it.error }, it.id ?? '');
      if (!outcome) return rejectedResult(it, it.id ?? '', 400, 'illegal_argument_exception', `'${it.action}' is not supported: events are append-only`);
      if (!outcome.ok) return rejectedResult(it, it.id ?? '', 400, 'document_parsing_exception', outcome.reason);
      return acceptedResult(it, it.id ?? String(outcome.ids[0] ?? ''));
    });
    ctx.res.setHeader('x-elastic-product', 'Elasticsearch');
    sendJson(ctx.res, 200, buildBulkResponse(results, performance.now() - started));
  };

  return [
    ...elasticsearchHandshake(),
    { method: 'POST', path: '/api/v1/events', permission: 'events:ingest', summary: 'Ingest events (NDJSON or a JSON array)', handler: ingestBody },
    { method: 'POST', path: '/_bulk', permission: 'events:ingest', summary: 'Elasticsearch-compatible bulk ingest', handler: bulk },
    { method: 'POST', path: '/:index/_bulk', permission: 'events:ingest', summary: 'Elasticsearch-compatible bulk ingest into an index', handler: bulk },
  ];
}

/** The Elasticsearch version Vigil answers as: Beats and Elastic clients refuse servers they do not know. */
export const ES_COMPAT_VERSION = '8.11.0';

/**
 * What Elastic shippers ask before they send (`GET /` for the version and product header, `GET
 * /_license` for the distribution check), answered for ingest tokens so Beats connect unchanged.
 */
function elasticsearchHandshake(): RouteDef[] {
  const info = {
    name: 'vigil', cluster_name: 'vigil', cluster_uuid: 'vigil-cluster',
    version: {
      number: ES_COMPAT_VERSION, build_flavor: 'default', build_type: 'vigil', lucene_version: '9.8.0',
      minimum_wire_compatibility_version: '7.17.0', minimum_index_compatibility_version: '7.0.0',
    },
    tagline: 'You Know, for Search',
  };
  const product = (ctx: RequestContext): void => { ctx.res.setHeader('x-elastic-product', 'Elasticsearch'); };
  return [
    {
      method: 'GET', path: '/', permission: 'events:ingest', summary: 'Elasticsearch-compatible cluster info (for Beats and Elastic clients)',
      handler: (ctx) => { product(ctx); sendJson(ctx.res, 200, info); },
    },
    {
      method: 'GET', path: '/_license', permission: 'events:ingest', summary: 'Elasticsearch-compatible licence check (basic)',
      handler: (ctx) => {
        product(ctx);
        sendJson(ctx.res, 200, { license: { status: 'active', uid: 'vigil', type: 'basic', mode: 'basic', issued_to: 'vigil', issuer: 'vigil', start_date_in_millis: -1 } });
      },
    },
  ];
}