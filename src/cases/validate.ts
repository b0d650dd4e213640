/**
 * Input checks for case requests: each failure is a VigilError naming the field, so the API answers
 * 400 with where the problem is. Sizes are bounded; unknown fields are rejected (typos must not pass silently).
 */
import { VigilError } from '../core/errors.js';
import type { ActionItem } from './types.js';

export const LIMITS = {
  title: 200,
  description: 20_000,
  tag: 64,
  tags: 32,
  name: 128,
  comment: 50_000,
  text: 20_000,
  listItems: 50,
  tasks: 100,
  alerts: 500,
  observables: 200,
} as const;

export function invalid(field: string, message: string): VigilError {
  return new VigilError('cases.invalid', message, { field });
}

export function rejectUnknown(body: Record<string, unknown>, allowed: readonly string[], prefix = ''): void {
  for (const key of Object.keys(body)) {
    if (!allowed.includes(key)) throw invalid(prefix + key, `unknown field '${prefix + key}' (known: ${allowed.join(', ')})`);
  }
}

export function str(v: unknown, field: string, max: number, opts: { empty?: boolean } = {}): string {
  if (typeof v !== 'string') throw invalid(field, `'${field}' must be a string`);
  const t = v.trim();
  if (!t && !opts.empty) throw invalid(field, `'${field}' must not be empty`);
  if (t.length > max) throw invalid(field, `'${field}' is longer than ${max} characters`);
  return t;
}

/** A name (owner, assignee) or null to clear it. */
export function nameOrNull(v: unknown, field: string): string | null {
  if (v === null) return null;
  return str(v, field, LIMITS.name);
}

export function oneOf<T extends string>(v: unknown, field: string, values: readonly T[]): T {
  if (typeof v !== 'string' || !(values as readonly string[]).includes(v)) {
    throw invalid(field, `'${field}' must be one of ${values.join(', ')}`);
  }
  return v as T;
}

export function tags(v: unknown, field = 'tags'): string[] {
  if (!Array.isArray(v)) throw invalid(field, `'${field}' must be an array of strings`);
  if (v.length > LIMITS.tags) throw invalid(field, `at most ${LIMITS.tags} tags`);
  const out: string[] = [];
  v.forEach((t, i) => {
    const s = str(t, `${field}[${i}]`, LIMITS.tag);
    if (!out.includes(s)) out.push(s);
  });
  return out;
}

export function stringList(v: unknown, field: string): string[] {
  if (!Array.isArray(v)) throw invalid(field, `'${field}' must be an array of strings`);
  if (v.length > LIMITS.listItems) throw invalid(field, `at most ${LIMITS.listItems} items`);
  return v.map((s, i) => str(s, `${field}[${i}]`, LIMITS.text));
}

/** A date: ISO 8601 text or epoch ms; null clears. */
export function dateOrNull(v: unknown, field: string): number | null {
  if (v === null) return null;
  if (typeof v === 'number' && Number.isSafeInteger(v) && v >= 0) return v;
  if (typeof v === 'string' && /^\d{4}-\d{2}-\d{2}([T ][\d:.]+(Z|[+-]\d{2}:?\d{2})?)?$/.test(v.trim())) {
    const ms = Date.parse(v.trim());
    if (Number.isFinite(ms)) return ms;
  }
  throw invalid(field, `'${field}' must be an ISO 8601 date (e.g. 2025-06-30 or 2025-06-30T12:00:00Z) or epoch milliseconds`);
}

export function positiveIds(v: unknown, field: string, max: number): number[] {
  if (!Array.isArray(v) || v.length === 0) throw invalid(field, `'${field}' must be a non-empty array of ids`);
  if (v.length > max) throw invalid(field, `at most ${max} ids`);
  const out: number[] = [];
  v.forEach((id, i) => {
    if (typeof id !== 'number' || !Number.isSafeInteger(id) || id < 1) throw invalid(`${field}[${i}]`, `'${field}[${i}]' must be a positive integer`);
    if (!out.includes(id)) out.push(id);
  });
  return out;
}

export function object(v: unknown, field: string): Record<string, unknown> {
  if (!v || typeof v !== 'object' || Array.isArray(v)) throw invalid(field, `'${field}' must be an object`);
  return v as Record<string, unknown>;
}

export function actionItems(v: unknown, field: string): ActionItem[] {
  if (!Array.isArray(v)) throw invalid(field, `'${field}' must be an array`);
  if (v.length > LIMITS.listItems) throw invalid(field, `at most ${LIMITS.listItems} action items`);
  return v.map((item, i) => {
    const f = `${field}[${i}]`;
    const o = object(item, f);
    rejectUnknown(o, ['action', 'owner', 'due', 'done'], `${f}.`);
    if (o['done'] !== undefined && typeof o['done'] !== 'boolean') throw invalid(`${f}.done`, `'${f}.done' must be true or false`);
    return {
      action: str(o['action'], `${f}.action`, LIMITS.text),
      owner: str(o['owner'], `${f}.owner`, LIMITS.name),
      due: o['due'] === undefined ? null : dateOrNull(o['due'], `${f}.due`),
      done: o['done'] === true,
    };
  });
}
