/**
 * Splunk HTTP Event Collector: `/services/collector/event` (and the bare `/services/collector`),
 * `/services/collector/raw`, `/services/collector/health`, answering with Splunk's JSON bodies and
 * codes so HEC clients (Splunk logging libraries, Vector, Fluent Bit, OTel) ship to Vigil unchanged.
 * Ack channels are not implemented; a channel header or parameter is accepted and ignored.
 */
import { gunzip } from 'node:zlib';
import { promisify } from 'node:util';
import { HEC_CODES, hecResponse, parseHecEvents, parseHecRaw, type HecMetadata, type HecResult } from '../../formats/json/hec.js';
import { hecToInput, type HecInput } from '../../formats/json/hec-input.js';
import { OverloadedError, type IngestOutcome, type IngestSink } from '../../ingest/types.js';
import { presentedToken } from '../auth.js';
import { DEFAULT_MAX_BODY_BYTES, HttpError, sendJson } from '../http.js';
import type { RequestContext, RouteDef } from '../router.js';
import { sourceInfo } from './ingest.js';

const gunzipAsync = promisify(gunzip);

/** Splunk's answers that src/formats/json/hec.ts does not already define (those are about the body). */
export const HEC_REPLIES = {
  tokenRequired: { status: 401, code: 2, text: 'Token is required' },
  invalidAuthorization: { status: 401, code: 3, text: 'Invalid authorization' },
  invalidToken: { status: 403, code: 4, text: 'Invalid token' },
  invalidDataFormat: HEC_CODES.invalidDataFormat,
  internalError: { status: 500, code: 8, text: 'Internal server error' },
  serverBusy: HEC_CODES.serverBusy,
  queryStringAuth: { status: 400, code: 16, text: 'Query string authorization is not enabled' },
  healthy: { status: 200, code: 17, text: 'HEC is healthy' },
  unhealthy: { status: 503, code: 18, text: 'HEC is unhealthy, queues are full' },
} as const;

interface Reply { status: number; code: number; text: string }

function reply(ctx: RequestContext, r: Reply, extra: Record<string, unknown> = {}): void {
  sendJson(ctx.res, r.status, { text: r.text, code: r.code, ...extra });
}

export interface HecRouteOptions {
  /** Largest body after gzip decompression; the server's body limit bounds the compressed bytes. */
  maxBodyBytes?: number;
  /** Longest single event. Default 1 MiB. */
  maxEventBytes?: number;
  now?: () => number;
}

/**
 * Missing, malformed or unknown credentials, in Splunk's words (a known token without the permission
 * gets the router's uniform 403 api.forbidden, as on every route). Splunk's default refuses `?token=`
 * (inputs.conf `allowQueryStringAuth = false`: tokens in URLs end up in proxy and access logs), and so
 * does Vigil, with Splunk's code 16 so the sender learns why.
 */
function unauthorized(ctx: RequestContext): void {
  if (ctx.req.headers.authorization === undefined) {
    if (ctx.url.searchParams.has('token')) { reply(ctx, HEC_REPLIES.queryStringAuth); return; }
    ctx.res.setHeader('www-authenticate', 'Splunk');
    reply(ctx, HEC_REPLIES.tokenRequired);
    return;
  }
  reply(ctx, presentedToken(ctx.req) === undefined ? HEC_REPLIES.invalidAuthorization : HEC_REPLIES.invalidToken);
}

/** `host`, `source`, `sourcetype`, `index` from the query string: defaults every event can override. */
function queryMetadata(url: URL): HecMetadata {
  const meta: HecMetadata = {};
  for (const key of ['host', 'source', 'sourcetype', 'index'] as const) {
    const v = url.searchParams.get(key);
    if (v !== null && v !== '') meta[key] = v;
  }
  return meta;
}

class HecReply extends Error {
  constructor(readonly reply: Reply, readonly text: string = reply.text) {
    super(text);
  }
}

/** The body, gunzipped when the sender says so, never larger than `max` after decompression. */
async function readHecBody(ctx: RequestContext, max: number): Promise<Buffer> {
  let body: Buffer;
  try {
    body = await ctx.body();
  } catch (err) {
    if (err instanceof HttpError && err.status === 413) throw new HecReply({ ...HEC_REPLIES.invalidDataFormat, status: 413 }, err.message);
    throw err;
  }
  const encoding = (ctx.req.headers['content-encoding'] ?? 'identity').trim().toLowerCase();
  if (encoding === 'identity' || encoding === '') return body;
  if (encoding !== 'gzip' && encoding !== 'x-gzip') {
    throw new HecReply({ ...HEC_REPLIES.invalidDataFormat, status: 415 }, `Unsupported Content-Encoding (only gzip is accepted)`);
  }
  try {
    return await gunzipAsync(body, { maxOutputLength: max });
  } catch (err) {
    if ((err as { code?: string }).code === 'ERR_BUFFER_TOO_LARGE') {
      throw new HecReply({ ...HEC_REPLIES.invalidDataFormat, status: 413 }, `request body exceeds ${max} bytes after decompression`);
    }
    throw new HecReply(HEC_REPLIES.invalidDataFormat, 'Invalid data format: the gzip body does not decompress');
  }
}

/**
 * Submits consecutive runs of inputs that share a profile (SourceInfo names one profile per batch),
 * in order. A request is almost always one run: one sender, one token, one sourcetype.
 */
async function submitRuns(sink: IngestSink, ctx: RequestContext, inputs: HecInput[], receivedAt: number): Promise<IngestOutcome[]> {
  const outcomes: IngestOutcome[] = [];
  for (let start = 0; start < inputs.length;) {
    const profile = inputs[start]!.profile;
    let end = start + 1;
    while (end < inputs.length && inputs[end]!.profile === profile) end++;
    const info = sourceInfo(ctx, 'hec', receivedAt);
    if (profile !== undefined) info.profile = profile;
    else delete info.profile;
    outcomes.push(...await sink.submit(inputs.slice(start, end).map((x) => x.input), info));
    start = end;
  }
  return outcomes;
}

export function hecRoutes(sink: IngestSink, options: HecRouteOptions = {}): RouteDef[] {
  const maxBody = options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
  const maxEventBytes = options.maxEventBytes ?? 1024 * 1024;
  const now = options.now ?? Date.now;

  const ingest = (raw: boolean) => async (ctx: RequestContext): Promise<void> => {
    const receivedAt = now();
    try {
      const body = await readHecBody(ctx, maxBody);
      const parseOptions = { defaults: queryMetadata(ctx.url), maxEventBytes };
      const result: HecResult = raw ? parseHecRaw(body, parseOptions) : parseHecEvents(body, { ...parseOptions, keepText: true });
      // Splunk indexes the events before a malformed one; a 503 (too many events) stores nothing, as the sender will retry it.
      const events = result.error && result.error.status >= 500 ? [] : result.events;
      const forcedProfile = ctx.principal?.profile;
      const inputs = events.map((e) => hecToInput(e, {
        ...(forcedProfile !== undefined ? { forcedProfile } : {}),
        ...(raw && typeof e.event === 'string' ? { text: e.event } : {}),
      }));
      const outcomes = inputs.length ? await submitRuns(sink, ctx, inputs, receivedAt) : [];
      const refused = outcomes.findIndex((o) => !o.ok);
      if (refused >= 0 && (!result.error || refused < (result.error.invalidEventNumber ?? Infinity))) {
        reply(ctx, HEC_REPLIES.invalidDataFormat, { 'invalid-event-number': events[refused]!.number });
        return;
      }
      const res = hecResponse(result);
      if (res.status === 503) ctx.res.setHeader('retry-after', '1');
      sendJson(ctx.res, res.status, res.body);
    } catch (err) {
      if (err instanceof HecReply) { reply(ctx, err.reply, { text: err.text }); return; }
      if (err instanceof OverloadedError) {
        ctx.res.setHeader('retry-after', String(err.retryAfterSeconds));
        reply(ctx, HEC_REPLIES.serverBusy);
        return;
      }
      if (err instanceof HttpError) { reply(ctx, { ...HEC_REPLIES.invalidDataFormat, status: err.status }, { text: err.message }); return; }
      reply(ctx, HEC_REPLIES.internalError);
    }
  };

  const event = ingest(false);
  const raw = ingest(true);
  const health = (ctx: RequestContext): void => reply(ctx, sink.congested ? HEC_REPLIES.unhealthy : HEC_REPLIES.healthy);
  const route = (path: string, handler: (ctx: RequestContext) => Promise<void>, summary: string): RouteDef => (
    { method: 'POST', path, permission: 'events:ingest', summary, handler, unauthorized }
  );
  return [
    route('/services/collector/event', event, 'Splunk HEC: JSON events (Authorization: Splunk <token>; gzip accepted)'),
    route('/services/collector/event/1.0', event, 'Splunk HEC: JSON events (versioned path)'),
    route('/services/collector', event, 'Splunk HEC: JSON events (alias of /services/collector/event)'),
    route('/services/collector/raw', raw, 'Splunk HEC: one text event per line; ?host=&source=&sourcetype=&index='),
    route('/services/collector/raw/1.0', raw, 'Splunk HEC: raw lines (versioned path)'),
    { method: 'GET', path: '/services/collector/health', permission: 'public', summary: 'Splunk HEC health (503 while the ingest queue is congested)', handler: health },
    { method: 'GET', path: '/services/collector/health/1.0', permission: 'public', summary: 'Splunk HEC health (versioned path)', handler: health },
  ];
}
