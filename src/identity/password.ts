/**
 * Password hashing with scrypt (node:crypto): a random 16-byte salt per password and the cost parameters
 * stored beside the digest (`scrypt$ln=15,r=8,p=1$salt$digest`), so costs can rise without breaking old
 * hashes. Digests are compared in constant time.
 */
import { randomBytes, scrypt as scryptCb, timingSafeEqual, type ScryptOptions } from 'node:crypto';
import { VigilError } from '../core/errors.js';

export interface ScryptParams { ln: number; r: number; p: number }

export const DEFAULT_PARAMS: ScryptParams = { ln: 15, r: 8, p: 1 };
const KEY_LEN = 32;
const SALT_LEN = 16;
/** Refuses stored parameters that would make one verification cost more than this (a tampered row). */
const MAX_MEM = 256 * 1024 * 1024;

export const MIN_PASSWORD = 12;
export const MAX_PASSWORD = 1024;

function scrypt(password: string, salt: Buffer, params: ScryptParams): Promise<Buffer> {
  const N = 2 ** params.ln;
  const opts: ScryptOptions = { N, r: params.r, p: params.p, maxmem: 128 * N * params.r * params.p + 1024 * 1024 };
  return new Promise((ok, fail) => scryptCb(password.normalize('NFC'), salt, KEY_LEN, opts, (err, key) => (err ? fail(err) : ok(key))));
}

/** Why a new password is not acceptable, or undefined. */
export function passwordProblem(password: unknown): string | undefined {
  if (typeof password !== 'string') return 'password must be a string';
  if ([...password].length < MIN_PASSWORD) return `password must be at least ${MIN_PASSWORD} characters`;
  if (password.length > MAX_PASSWORD) return `password must be at most ${MAX_PASSWORD} characters`;
  return undefined;
}

export async function hashPassword(password: string, params: ScryptParams = DEFAULT_PARAMS): Promise<string> {
  const problem = passwordProblem(password);
  if (problem) throw new VigilError('identity.password.weak', problem, { field: 'password' });
  const salt = randomBytes(SALT_LEN);
  const key = await scrypt(password, salt, params);
  return `scrypt$ln=${params.ln},r=${params.r},p=${params.p}$${salt.toString('base64')}$${key.toString('base64')}`;
}

function parse(stored: string): { params: ScryptParams; salt: Buffer; key: Buffer } | undefined {
  const m = /^scrypt\$ln=(\d{1,2}),r=(\d{1,2}),p=(\d)\$([A-Za-z0-9+/=]{1,200})\$([A-Za-z0-9+/=]{1,200})$/.exec(stored);
  if (!m) return undefined;
  const params = { ln: Number(m[1]), r: Number(m[2]), p: Number(m[3]) };
  if (params.ln < 1 || params.r < 1 || params.p < 1 || 128 * 2 ** params.ln * params.r * params.p > MAX_MEM) return undefined;
  return { params, salt: Buffer.from(m[4]!, 'base64'), key: Buffer.from(m[5]!, 'base64') };
}

/** True when `password` matches; false for a wrong password or an unreadable hash. */
export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const parsed = parse(stored);
  if (!parsed || password.length > MAX_PASSWORD) return false;
  const key = await scrypt(password, parsed.salt, parsed.params);
  return key.length === parsed.key.length && timingSafeEqual(key, parsed.key);
}
