/**
 * Parsed-rule cache: parsing thousands of YAML rule files costs seconds, reading back their parsed
 * form a fraction of that. The cache file holds the v8-serialized rule set under a key that covers
 * everything the parse depends on (this code, the load options, every rule file's path, size and
 * mtime); a key or checksum mismatch is a miss and the file is rewritten. Nothing in it is trusted
 * without both checks.
 */
import { createHash, randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, readdirSync, renameSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { deserialize, serialize } from 'node:v8';
import { VigilError, errorMessage, type Location } from '../../core/errors.js';
import { loadRuleFiles, statRuleFiles, type LoadOptions, type RuleSet } from './load.js';

/** Bump when the file layout or the serialized shape changes. */
const FORMAT = 1;
const MAGIC = Buffer.from('VIGILRC\u0001', 'latin1');
const HEADER = MAGIC.length + 32 + 32;
/** Cache files kept per folder (one per rule-path set); the least recently used go first. */
const MAX_FILES = 16;

export interface RuleCacheOptions {
  /** false: neither read nor write the cache (default: true unless VIGIL_RULE_CACHE=0). */
  enabled?: boolean;
  /** Cache folder; default: ruleCacheDir(). */
  dir?: string;
}

export interface RuleCacheReport {
  status: 'hit' | 'miss' | 'off';
  file?: string;
  /** Why the cache could not be read or written (the rules were loaded anyway). */
  warning?: string;
}

/** `$VIGIL_CACHE_DIR`, else `$XDG_CACHE_HOME/vigil`, else `~/.cache/vigil`. */
export function ruleCacheDir(env: Record<string, string | undefined> = process.env): string {
  if (env['VIGIL_CACHE_DIR']) return env['VIGIL_CACHE_DIR'];
  if (env['XDG_CACHE_HOME']) return join(env['XDG_CACHE_HOME'], 'vigil');
  return join(homedir(), '.cache', 'vigil');
}

/** The rule set as plain data: errors lose their class (and cause) and are rebuilt on decode. */
interface Payload {
  rules: RuleSet['rules'];
  files: number;
  errors: { code: string; message: string; location: Location }[];
  unsupported: RuleSet['unsupported'];
  placeholders: RuleSet['placeholders'];
}

/** Serializes a rule set (for the cache file, or to hand one parse to worker threads). */
export function encodeRuleSet(set: RuleSet): Buffer {
  const payload: Payload = {
    rules: set.rules,
    files: set.files,
    errors: set.errors.map((e) => ({ code: e.code, message: e.message, location: e.location })),
    unsupported: set.unsupported,
    placeholders: set.placeholders,
  };
  return serialize(payload);
}

/** The inverse of encodeRuleSet; throws on bytes that do not hold a rule set. */
export function decodeRuleSet(bytes: Uint8Array): RuleSet {
  const p = deserialize(bytes) as Payload;
  if (!p || !Array.isArray(p.rules) || !Array.isArray(p.errors) || typeof p.files !== 'number' || !Array.isArray(p.unsupported) || !Array.isArray(p.placeholders)) {
    throw new Error('not a serialized rule set');
  }
  return { rules: p.rules, files: p.files, errors: p.errors.map((e) => new VigilError(e.code, e.message, e.location)), unsupported: p.unsupported, placeholders: p.placeholders };
}

/**
 * loadRules with the cache: same result (rules, errors, counts) as `loadRules(paths, options)`.
 * `bytes` is the encoded set, ready to hand to worker threads without encoding again.
 */
export function loadRulesCached(paths: string[], options: LoadOptions = {}, cache: RuleCacheOptions = {}): RuleSet & { cache: RuleCacheReport } {
  const { set, cache: report } = loadRuleSetBytes(paths, options, cache);
  return { ...set(), cache: report };
}

/**
 * The encoded rule set for `paths` (from the cache when it is current) plus a way to get the decoded
 * set: a caller that only forwards the bytes to workers never pays for decoding them.
 */
export function loadRuleSetBytes(paths: string[], options: LoadOptions = {}, cache: RuleCacheOptions = {}): { bytes: Buffer; set: () => RuleSet; cache: RuleCacheReport } {
  const { files, errors } = statRuleFiles(paths);
  const parse = () => loadRuleFiles(files.map((f) => f.path), errors, options);
  if (cache.enabled === false || (cache.enabled === undefined && process.env['VIGIL_RULE_CACHE'] === '0')) {
    const set = parse();
    return { bytes: encodeRuleSet(set), set: () => set, cache: { status: 'off' } };
  }
  const dir = cache.dir ?? ruleCacheDir();
  const slot = createHash('sha256');
  slot.update(JSON.stringify({ format: FORMAT, code: codeFingerprint(), options: canonical(options), paths, resolved: paths.map((p) => resolve(p)) }));
  const slotName = slot.copy().digest('hex').slice(0, 24);
  const key = slot;
  for (const f of files) key.update(`\u0000${f.path}\u0000${f.size}\u0000${f.mtimeMs}`);
  for (const e of errors) key.update(`\u0001${e.code}\u0000${e.describe()}`);
  const keyBytes = key.digest();
  const file = join(dir, `rules-${slotName}.bin`);

  const cached = readCacheFile(file, keyBytes);
  const fresh = () => {
    const set = parse();
    const bytes = encodeRuleSet(set);
    const warning = writeCacheFile(dir, file, keyBytes, bytes);
    return { bytes, set: () => set, cache: { status: 'miss' as const, file, ...(warning ? { warning } : {}) } };
  };
  if (!cached) return fresh();
  touch(file);
  // Decoded only when asked for: a caller that forwards the bytes to worker threads never needs it.
  // The checksum matched, so a decode failure means bytes from an incompatible writer: parse instead.
  let decoded: RuleSet | undefined;
  return {
    bytes: cached,
    set: () => {
      if (!decoded) {
        try {
          decoded = decodeRuleSet(cached);
        } catch {
          decoded = fresh().set();
        }
      }
      return decoded;
    },
    cache: { status: 'hit', file },
  };
}

function readCacheFile(file: string, key: Buffer): Buffer | undefined {
  let data: Buffer;
  try {
    data = readFileSync(file);
  } catch {
    return undefined;
  }
  if (data.length < HEADER || !data.subarray(0, MAGIC.length).equals(MAGIC)) return undefined;
  if (!data.subarray(MAGIC.length, MAGIC.length + 32).equals(key)) return undefined;
  const payload = data.subarray(HEADER);
  const sum = createHash('sha256').update(payload).digest();
  if (!sum.equals(data.subarray(MAGIC.length + 32, HEADER))) return undefined;
  return payload;
}

/** Temp file + rename, so a reader never sees half a file; returns a warning instead of throwing. */
function writeCacheFile(dir: string, file: string, key: Buffer, payload: Buffer): string | undefined {
  const tmp = `${file}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  try {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    const sum = createHash('sha256').update(payload).digest();
    writeFileSync(tmp, Buffer.concat([MAGIC, key, sum, payload]), { mode: 0o600 });
    renameSync(tmp, file);
    prune(dir);
    return undefined;
  } catch (err) {
    try {
      rmSync(tmp, { force: true });
    } catch {
      // the folder itself is unusable: nothing was written
    }
    return `cannot write the rule cache ${file}: ${errorMessage(err)}`;
  }
}

/** Marks a cache file as used (pruning keeps the most recently used). */
function touch(file: string): void {
  try {
    const now = new Date();
    utimesSync(file, now, now);
  } catch {
    // a read-only cache still serves
  }
}

/** Keeps the cache folder bounded: rule folders come and go (tests make one per run). */
function prune(dir: string): void {
  try {
    const entries = readdirSync(dir)
      .filter((n) => n.startsWith('rules-') && n.endsWith('.bin'))
      .map((n) => ({ path: join(dir, n), mtime: statSync(join(dir, n)).mtimeMs }))
      .sort((a, b) => b.mtime - a.mtime);
    for (const e of entries.slice(MAX_FILES)) rmSync(e.path, { force: true });
  } catch {
    // another process pruned at the same time
  }
}

let fingerprint: string | undefined;

/**
 * The code that turns YAML into the rule model (this folder and the model folder, as built), by
 * file name, size and mtime: a rebuilt loader never reads rules parsed by an older one.
 */
function codeFingerprint(): string {
  if (fingerprint !== undefined) return fingerprint;
  const parts: string[] = [process.version, vigilVersion()];
  for (const rel of ['./', '../model/', '../../core/']) {
    const dir = fileURLToPath(new URL(rel, import.meta.url));
    try {
      for (const name of readdirSync(dir).sort()) {
        if (!name.endsWith('.js') && !name.endsWith('.ts')) continue;
        const st = statSync(join(dir, name));
        parts.push(`${rel}${name}:${st.size}:${st.mtimeMs}`);
      }
    } catch {
      parts.push(`${rel}:unreadable`);
    }
  }
  fingerprint = createHash('sha256').update(parts.join('\n')).digest('hex');
  return fingerprint;
}

function vigilVersion(): string {
  try {
    const pkg = JSON.parse(readFileSync(fileURLToPath(new URL('../../../../package.json', import.meta.url)), 'utf8')) as { version?: string };
    return `vigil ${pkg.version ?? '?'}`;
  } catch {
    return 'vigil ?';
  }
}

/** JSON with sorted object keys, so equal options give equal keys. */
function canonical(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(canonical);
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.keys(value).sort().map((k) => [k, canonical((value as Record<string, unknown>)[k])]));
  }
  return value;
}
