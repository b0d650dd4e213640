import type { EventObject } from '../../core/event.js';
import { compilePath, getPath } from '../../core/fieldpath.js';

/** A field's values as the matchers see them: leaf scalars, their string forms, lower-cased lazily. */
export interface FieldValues {
  readonly present: boolean;
  readonly raw: unknown[];
  readonly strs: string[];
  readonly lowers: string[];
}

/**
 * Lower-cased on first use: the literal index scans `strs` case-insensitively by itself, and most
 * fields it scans are never read by a candidate rule.
 */
class Values implements FieldValues {
  private lowered: string[] | undefined;

  constructor(
    readonly present: boolean,
    readonly raw: unknown[],
    readonly strs: string[],
  ) {}

  get lowers(): string[] {
    if (this.lowered === undefined) {
      const strs = this.strs;
      const out = new Array<string>(strs.length);
      for (let i = 0; i < strs.length; i++) out[i] = strs[i]!.toLowerCase();
      this.lowered = out;
    }
    return this.lowered;
  }
}

const ABSENT: FieldValues = new Values(false, [], []);
const MAX_KEYWORD_LEAVES = 4096;
const MAX_DEPTH = 32;

const hasOwn = Object.prototype.hasOwnProperty;

/** A path with `*` or `~Name` segments, split once; `tails[i]` is parts i.. joined back with dots. */
interface WildcardPath {
  parts: string[];
  tails: string[];
}

function resolveWildcardPath(node: unknown, path: WildcardPath, i: number): unknown {
  const { parts } = path;
  if (i === parts.length) return node;
  if (node === null || typeof node !== 'object' || Array.isArray(node)) return undefined;
  const head = parts[i]!;
  const obj = node as Record<string, unknown>;
  if (head.startsWith('~')) {
    // `~Name` matches a key that equals Name once spaces are removed (Defender writes "Threat Name").
    const wantLength = head.length - 1;
    for (const k in obj) {
      if (!hasOwn.call(obj, k) || k.length <= wantLength || !k.includes(' ')) continue;
      if (k.replace(/ /g, '') === head.slice(1)) return resolveWildcardPath(obj[k], path, i + 1);
    }
    return undefined;
  }
  if (head === '*') {
    for (const k in obj) {
      if (!hasOwn.call(obj, k)) continue;
      const v = resolveWildcardPath(obj[k], path, i + 1);
      if (v !== undefined) return v;
    }
    return undefined;
  }
  if (!hasOwn.call(obj, head)) return i + 1 < parts.length ? getPath(obj, path.tails[i]!) : undefined;
  return resolveWildcardPath(obj[head], path, i + 1);
}

export type Accessor = (event: EventObject) => unknown;

/** Compiles a path list into one accessor; nested walks are precomputed, flat dotted keys still resolve. */
export function compileAccessor(paths: string[]): Accessor {
  const getters = paths.map(compileOne);
  if (getters.length === 1) return getters[0]!;
  return (event) => {
    for (const g of getters) {
      const v = g(event);
      if (v !== undefined) return v;
    }
    return undefined;
  };
}

/** `*` in a path is any one key at that level, `~Name` a key that reads Name without its spaces. */
function compileOne(path: string): Accessor {
  if (path.includes('*') || path.includes('~')) {
    const parts = path.split('.');
    const wildcard: WildcardPath = { parts, tails: parts.map((_, i) => parts.slice(i).join('.')) };
    return (event) => resolveWildcardPath(event, wildcard, 0);
  }
  return compilePath(path);
}

function toValues(v: unknown): FieldValues {
  if (v === undefined) return ABSENT;
  if (typeof v === 'string') {
    const one = [v];
    return new Values(true, one, one);
  }
  if (typeof v === 'number' || typeof v === 'boolean') return new Values(true, [v], [String(v)]);
  const raw: unknown[] = [];
  const push = (x: unknown) => {
    if (Array.isArray(x)) for (const el of x) push(el);
    else if (x !== null && typeof x === 'object') {
      // XML-shaped values ({"#text": ..., "#attributes": ...}) match on their text.
      const text = (x as Record<string, unknown>)['#text'];
      if (text !== undefined) push(text);
    } else raw.push(x);
  };
  push(v);
  const strs: string[] = [];
  for (const x of raw) if (x !== null && x !== undefined) strs.push(typeof x === 'string' ? x : String(x));
  return new Values(true, v === null ? [null] : raw, strs);
}

/** Leaf values in document order (own enumerable properties, as Object.values lists them), bounded in count and depth. */
function collectLeaves(x: unknown, depth: number, strs: string[]): void {
  if (strs.length >= MAX_KEYWORD_LEAVES || depth > MAX_DEPTH) return;
  if (typeof x === 'string') strs.push(x);
  else if (x === null || x === undefined) return;
  else if (Array.isArray(x)) for (let i = 0; i < x.length; i++) collectLeaves(x[i], depth + 1, strs);
  else if (typeof x === 'object') {
    const obj = x as Record<string, unknown>;
    for (const k in obj) if (hasOwn.call(obj, k)) collectLeaves(obj[k], depth + 1, strs);
  } else strs.push(String(x));
}

/** Per-event state shared by every rule evaluated on it: resolved and case-folded fields are computed once. */
export class EventContext {
  private readonly cache = new Map<string, FieldValues>();
  private keywordCache: FieldValues | undefined;
  private keywordJoined: string | undefined;

  constructor(readonly event: EventObject) {}

  /** `key` identifies the path list (the compiler interns it), so equal fields share one cache entry. */
  field(key: string, get: Accessor): FieldValues {
    let v = this.cache.get(key);
    if (v === undefined) {
      v = toValues(get(this.event));
      this.cache.set(key, v);
    }
    return v;
  }

  /** Every leaf value of the event, for keyword (field-less) searches. */
  keywords(): FieldValues {
    if (this.keywordCache) return this.keywordCache;
    const strs: string[] = [];
    collectLeaves(this.event, 0, strs);
    this.keywordCache = new Values(strs.length > 0, strs, strs);
    return this.keywordCache;
  }

  /** The keyword values joined with NUL, for one index scan (a literal without NUL cannot span two values). */
  keywordText(): string {
    return (this.keywordJoined ??= this.keywords().strs.join('\u0000'));
  }
}
