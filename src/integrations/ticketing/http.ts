/**
 * One outbound request to a ticketing system, with a timeout, a bounded response read and the
 * retry classification: network errors, 5xx and 429 are retryable (429/503 may say when), other
 * non-2xx answers are final. Redirects are not followed (they could carry credentials elsewhere).
 */
import { VigilError } from '../../core/errors.js';
import { parseRetryAfter } from './backoff.js';

export const MAX_RESPONSE_BYTES = 64 * 1024;
const EXCERPT_CHARS = 300;

export interface OutboundRequest {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH';
  url: string;
  headers: Record<string, string>;
  body?: string;
}

export interface HttpReply {
  status: number;
  text: string;
}

/** A failed request; `statusCode` is null for network errors and timeouts. */
export class DeliveryError extends VigilError {
  constructor(
    message: string,
    readonly retryable: boolean,
    readonly statusCode: number | null,
    readonly retryAfterMs?: number,
    options?: { cause?: unknown },
  ) {
    super('ticketing.delivery', message, {}, options);
  }
}

/** The start of a response body, on one line, for logs and the delivery log. */
export function excerpt(text: string): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > EXCERPT_CHARS ? `${flat.slice(0, EXCERPT_CHARS)}...` : flat;
}

async function readBounded(res: Response, max: number): Promise<string> {
  if (!res.body) return '';
  const reader = res.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    chunks.push(value);
    size += value.byteLength;
    if (size >= max) { await reader.cancel(); break; }
  }
  return Buffer.concat(chunks).subarray(0, max).toString('utf8');
}

export async function send(req: OutboundRequest, timeoutMs: number, now: () => number = Date.now): Promise<HttpReply> {
  const what = `${req.method} ${new URL(req.url).pathname}`;
  let res: Response;
  let text: string;
  try {
    res = await fetch(req.url, {
      method: req.method, headers: req.headers, body: req.body, redirect: 'manual', signal: AbortSignal.timeout(timeoutMs),
    });
    text = await readBounded(res, MAX_RESPONSE_BYTES);
  } catch (err) {
    const e = err as Error & { cause?: { code?: string; message?: string } };
    const reason = e.name === 'TimeoutError' ? `no answer within ${timeoutMs} ms` : (e.cause?.code ?? e.cause?.message ?? e.message);
    throw new DeliveryError(`${what}: ${reason}`, true, null, undefined, { cause: err });
  }
  if (res.status >= 200 && res.status < 300) return { status: res.status, text };
  const body = excerpt(text);
  const message = `${what}: HTTP ${res.status}${body ? `: ${body}` : ''}`;
  if (res.status === 429 || res.status >= 500) {
    throw new DeliveryError(message, true, res.status, parseRetryAfter(res.headers.get('retry-after'), now()));
  }
  throw new DeliveryError(message, false, res.status);
}

/** Parses a JSON answer, or fails (not retryable: the peer answered, but not in the expected shape). */
export function replyJson(reply: HttpReply, what: string): Record<string, unknown> {
  try {
    const v = JSON.parse(reply.text) as unknown;
    if (v && typeof v === 'object' && !Array.isArray(v)) return v as Record<string, unknown>;
  } catch { /* fall through */ }
  throw new DeliveryError(`${what}: HTTP ${reply.status} but the answer is not a JSON object: ${excerpt(reply.text)}`, false, reply.status);
}
