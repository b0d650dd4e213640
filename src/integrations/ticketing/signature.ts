/**
 * Request signing shared by outbound webhooks and inbound status sync:
 *   X-Vigil-Timestamp: <unix seconds>
 *   X-Vigil-Signature: sha256=<hex of HMAC-SHA256(secret, "<timestamp>.<raw body>")>
 * The timestamp is inside the signed material, so a captured request cannot be replayed later with a
 * fresh timestamp; receivers reject timestamps outside a tolerance window (default 5 minutes).
 */
import { createHmac, timingSafeEqual } from 'node:crypto';

export const SIGNATURE_HEADER = 'x-vigil-signature';
export const TIMESTAMP_HEADER = 'x-vigil-timestamp';
export const DEFAULT_TOLERANCE_SECONDS = 300;

export function signatureOf(secret: string, timestamp: string, body: string | Buffer): string {
  const mac = createHmac('sha256', secret);
  mac.update(`${timestamp}.`);
  mac.update(body);
  return `sha256=${mac.digest('hex')}`;
}

/** Headers for a body signed now. */
export function signHeaders(secret: string, body: string | Buffer, nowMs: number = Date.now()): Record<string, string> {
  const timestamp = String(Math.floor(nowMs / 1000));
  return { 'X-Vigil-Timestamp': timestamp, 'X-Vigil-Signature': signatureOf(secret, timestamp, body) };
}

export type VerifyResult = { ok: true } | { ok: false; reason: string };

/** Checks a signature and its timestamp; the reason never includes the expected signature. */
export function verifySignature(
  secret: string, body: string | Buffer, timestamp: string | undefined, signature: string | undefined,
  nowMs: number = Date.now(), toleranceSeconds: number = DEFAULT_TOLERANCE_SECONDS,
): VerifyResult {
  if (!timestamp || !signature) return { ok: false, reason: 'missing X-Vigil-Timestamp or X-Vigil-Signature' };
  if (!/^\d{1,12}$/.test(timestamp)) return { ok: false, reason: 'X-Vigil-Timestamp must be unix seconds' };
  if (Math.abs(nowMs / 1000 - Number(timestamp)) > toleranceSeconds) {
    return { ok: false, reason: `X-Vigil-Timestamp is more than ${toleranceSeconds}s away from the server clock` };
  }
  if (!/^sha256=[0-9a-f]{64}$/i.test(signature)) return { ok: false, reason: 'X-Vigil-Signature must be sha256=<64 hex digits>' };
  const expected = Buffer.from(signatureOf(secret, timestamp, body).slice(7), 'hex');
  const given = Buffer.from(signature.slice(7).toLowerCase(), 'hex');
  return timingSafeEqual(expected, given) ? { ok: true } : { ok: false, reason: 'signature does not match' };
}
