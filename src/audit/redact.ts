/** Keeps secrets out of audit records: any key that names a credential has its value replaced. */
const SECRET_KEY = /pass(word)?|secret|token|hash|session|csrf|cookie|authorization|api[-_]?key/i;
export const REDACTED = '[redacted]';
const MAX_DEPTH = 8;

export function redact(value: unknown, depth = 0): unknown {
  if (value === null || value === undefined) return null;
  if (typeof value !== 'object') return typeof value === 'bigint' ? String(value) : value;
  if (depth >= MAX_DEPTH) return REDACTED;
  if (Array.isArray(value)) return value.map((v) => redact(v, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
    if (v === undefined || typeof v === 'function') continue;
    out[k] = SECRET_KEY.test(k) ? REDACTED : redact(v, depth + 1);
  }
  return out;
}
