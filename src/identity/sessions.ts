/**
 * Login and sessions. A session id is 32 random bytes held only in the client's cookie; the store keeps
 * its SHA-256. Sessions end after `idleMs` without use or `absoluteMs` after login, whichever is first.
 * CSRF uses the synchronizer-token pattern without server state: the token is HMAC-SHA256 keyed by the
 * session id, so only the holder of the session can compute it and the stored hash does not reveal it.
 */
import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { StoredSession, StoredUser, UserCredentials } from '../storage/ports.js';
import { hashPassword, verifyPassword } from './password.js';
import { FailureLimiter, type LimiterOptions } from './ratelimit.js';
import type { IdentityDeps } from './types.js';

export interface SessionOptions {
  idleMs?: number;
  absoluteMs?: number;
  /** Failures per username (default 5 per 15 minutes). */
  perUser?: LimiterOptions;
  /** Failures per client address (default 20 per 15 minutes). */
  perAddress?: LimiterOptions;
}

export const DEFAULT_IDLE_MS = 30 * 60_000;
export const DEFAULT_ABSOLUTE_MS = 12 * 3600_000;
const WINDOW = 15 * 60_000;
/** last_seen is written at most this often per session (idle expiry is this precise). */
const TOUCH_MS = 30_000;
const MAX_SESSION_ID = 100;

export interface SessionGrant {
  /** The secret session id for the cookie; never stored or logged. */
  id: string;
  csrf: string;
  user: StoredUser;
  expires: number;
}

export type LoginResult =
  | { ok: true; grant: SessionGrant }
  | { ok: false; reason: 'invalid' }
  | { ok: false; reason: 'locked'; retryAfter: number };

export interface ActiveSession {
  user: StoredUser;
  session: StoredSession;
}

export function sessionHash(id: string): string {
  return createHash('sha256').update(id, 'utf8').digest('hex');
}

export function csrfToken(sessionId: string): string {
  return createHmac('sha256', sessionId).update('vigil-csrf').digest('base64url');
}

export function csrfMatches(sessionId: string, presented: string | undefined): boolean {
  if (!presented) return false;
  const want = Buffer.from(csrfToken(sessionId));
  const got = Buffer.from(presented);
  return want.length === got.length && timingSafeEqual(want, got);
}

function publicUser(u: UserCredentials): StoredUser {
  return { id: u.id, username: u.username, role: u.role, disabled: u.disabled, created: u.created, updated: u.updated };
}

export class SessionManager {
  readonly idleMs: number;
  readonly absoluteMs: number;
  private readonly perUser: FailureLimiter;
  private readonly perAddress: FailureLimiter;
  private readonly now: () => number;
  private dummy: Promise<string> | undefined;

  constructor(private readonly deps: IdentityDeps, options: SessionOptions = {}) {
    this.idleMs = options.idleMs ?? DEFAULT_IDLE_MS;
    this.absoluteMs = options.absoluteMs ?? DEFAULT_ABSOLUTE_MS;
    this.perUser = new FailureLimiter(options.perUser ?? { max: 5, windowMs: WINDOW });
    this.perAddress = new FailureLimiter(options.perAddress ?? { max: 20, windowMs: WINDOW });
    this.now = deps.now ?? Date.now;
  }

  async login(username: string, password: string, ip: string): Promise<LoginResult> {
    const now = this.now();
    const userKey = username.toLowerCase();
    const wait = Math.max(this.perUser.retryAfter(userKey, now), this.perAddress.retryAfter(ip, now));
    if (wait > 0) return { ok: false, reason: 'locked', retryAfter: wait };

    const user = this.deps.users.byUsername(username);
    // Unknown users cost one scrypt too, so response time does not tell which usernames exist.
    this.dummy ??= hashPassword(randomBytes(24).toString('base64'));
    const matches = await verifyPassword(password, user?.passwordHash ?? await this.dummy);
    if (!user || !matches || user.disabled) {
      this.perUser.fail(userKey, now);
      this.perAddress.fail(ip, now);
      const reason = !user ? 'unknown user' : !matches ? 'wrong password' : 'user disabled';
      this.deps.audit.record({ kind: 'anonymous', name: username }, 'auth.login_failed',
        { type: 'user', id: user ? String(user.id) : '' }, null, { reason }, { ip });
      const locked = Math.max(this.perUser.retryAfter(userKey, now), this.perAddress.retryAfter(ip, now));
      if (locked > 0) {
        this.deps.audit.record({ kind: 'anonymous', name: username }, 'auth.locked', { type: 'user', id: user ? String(user.id) : '' }, null, { retryAfter: locked }, { ip });
      }
      return { ok: false, reason: 'invalid' };
    }
    this.perUser.reset(userKey);
    this.deps.sessions.purge(now, now - this.idleMs);
    const id = randomBytes(32).toString('base64url');
    const expires = now + this.absoluteMs;
    this.deps.sessions.create({ hash: sessionHash(id), userId: user.id, created: now, lastSeen: now, expires });
    this.deps.audit.record({ kind: 'user', name: user.username, userId: user.id }, 'auth.login',
      { type: 'user', id: String(user.id) }, null, { expires }, { ip });
    return { ok: true, grant: { id, csrf: csrfToken(id), user: publicUser(user), expires } };
  }

  /** The live session behind a cookie value and its (enabled) user; refreshes the idle timer. */
  resolve(sessionId: string): ActiveSession | undefined {
    if (!sessionId || sessionId.length > MAX_SESSION_ID) return undefined;
    const now = this.now();
    const hash = sessionHash(sessionId);
    const session = this.deps.sessions.get(hash);
    if (!session) return undefined;
    if (session.expires <= now || session.lastSeen + this.idleMs <= now) {
      this.deps.sessions.remove(hash);
      return undefined;
    }
    const user = this.deps.users.get(session.userId);
    if (!user || user.disabled) return undefined;
    if (now - session.lastSeen >= TOUCH_MS) this.deps.sessions.touch(hash, now);
    return { user: publicUser(user), session };
  }

  logout(sessionId: string, ip?: string): boolean {
    const active = this.resolve(sessionId);
    const removed = this.deps.sessions.remove(sessionHash(sessionId));
    if (active && removed) {
      this.deps.audit.record({ kind: 'user', name: active.user.username, userId: active.user.id }, 'auth.logout',
        { type: 'user', id: String(active.user.id) }, null, null, ip === undefined ? {} : { ip });
    }
    return removed;
  }
}
