/** Small node:http helpers: bounded body reading, JSON answers, typed HTTP errors. */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { VigilError } from '../core/errors.js';

export const DEFAULT_MAX_BODY_BYTES = 10 * 1024 * 1024;

/** An error that maps to an HTTP status; its message is safe to show to the client. */
export class HttpError extends VigilError {
  constructor(readonly status: number, code: string, message: string) {
    super(code, message);
  }
}

/**
 * Reads the whole body, at most `max` bytes. A larger body is drained (up to 4x `max`, then the
 * connection is cut) and answered 413, so clients read the status instead of a broken pipe.
 */
export function readBody(req: IncomingMessage, max: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const declared = Number(req.headers['content-length'] ?? NaN);
    let size = 0;
    let over = Number.isFinite(declared) && declared > max;
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > max) over = true;
      if (over) {
        chunks.length = 0;
        if (size > max * 4) req.destroy();
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => {
      if (over) reject(new HttpError(413, 'api.body.too_large', `request body exceeds ${max} bytes`));
      else resolve(Buffer.concat(chunks, size));
    });
    req.on('error', (err) => reject(new HttpError(400, 'api.body.read', `cannot read request body: ${err.message}`)));
  });
}

export function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(text),
    'cache-control': 'no-store',
    'x-content-type-options': 'nosniff',
  });
  res.end(text);
}

export function sendError(res: ServerResponse, status: number, code: string, message: string): void {
  sendJson(res, status, { error: { code, message } });
}

export interface ErrorBody {
  error: { code: string; message: string; column?: number; token?: string; field?: string };
}

/**
 * The JSON answer for a domain error: its code and message, plus where in the request it went wrong
 * (`column`, `token`, `field`) when the error knows. Server-side file locations are never sent.
 */
export function errorBody(err: VigilError): ErrorBody {
  const { column, token, field } = err.location;
  const body: ErrorBody['error'] = { code: err.code, message: err.message };
  if (column !== undefined) body.column = column;
  if (token !== undefined) body.token = token;
  if (field !== undefined) body.field = field;
  return { error: body };
}

/** Parses a JSON object body; anything else is a 400. */
export function parseJsonObject(body: Buffer): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(body.toString('utf8'));
  } catch {
    throw new HttpError(400, 'api.body.json', 'request body is not valid JSON');
  }
  if (!value || typeof value !== 'object' || Array.isArray(value)) {
    throw new HttpError(400, 'api.body.json', 'request body must be a JSON object');
  }
  return value as Record<string, unknown>;
}

/** A non-negative integer query parameter, or `fallback` when absent; anything else is a 400. */
export function intParam(params: URLSearchParams, name: string, fallback: number): number {
  const v = params.get(name);
  if (v === null || v === '') return fallback;
  if (!/^\d{1,9}$/.test(v)) throw new HttpError(400, 'api.param', `'${name}' must be a non-negative integer`);
  return Number(v);
}

/** A positive integer path id, or a 404. */
export function pathId(text: string): number {
  if (!/^[1-9]\d{0,15}$/.test(text)) throw new HttpError(404, 'api.not_found', 'not found');
  return Number(text);
}
