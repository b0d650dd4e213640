/** API tokens, users and sessions. */
export interface NewToken {
  name: string;
  /** SHA-256 hex of the token; the token itself is never stored. */
  hash: string;
  role: string;
  /** 'token' (API user token) or 'ingest' (shipper token). */
  kind?: string;
  /** Source profile forced on events sent with this token. */
  profile?: string;
  /** Epoch ms after which the token no longer works. */
  expires?: number;
  /** The user who created it (absent for bootstrap and CLI tokens). */
  owner?: number;
}

export interface StoredToken {
  name: string;
  role: string;
  kind: string;
  profile?: string;
  created: number;
  expires?: number;
  owner?: number;
}

export interface TokenStore {
  count(): number;
  add(token: NewToken, now?: number): void;
  /** The token when the hash is known and not expired. */
  lookup(hash: string, now?: number): StoredToken | undefined;
  /** Every token, identified by the first 12 hex digits of its hash. */
  list(): (StoredToken & { id: string })[];
  /** One token by its 12-hex-digit id, expired or not. */
  get(id: string): (StoredToken & { id: string }) | undefined;
  remove(id: string): boolean;
}

export interface StoredUser {
  id: number;
  username: string;
  role: string;
  disabled: boolean;
  created: number;
  updated: number;
}

export interface UserCredentials extends StoredUser {
  /** Self-describing password hash (algorithm, parameters, salt, digest); never leaves the identity service. */
  passwordHash: string;
}

export interface UserPatch {
  role?: string;
  disabled?: boolean;
  passwordHash?: string;
}

export interface UserStore {
  count(): number;
  /** Throws VigilError 'storage.user.exists' when the username is taken (case-insensitive). */
  create(user: { username: string; role: string; passwordHash: string }, now?: number): StoredUser;
  get(id: number): UserCredentials | undefined;
  byUsername(username: string): UserCredentials | undefined;
  list(): StoredUser[];
  update(id: number, patch: UserPatch, now?: number): StoredUser | undefined;
}

export interface StoredSession {
  /** SHA-256 hex of the session id; the id itself is only in the client's cookie. */
  hash: string;
  userId: number;
  created: number;
  lastSeen: number;
  /** Absolute expiry, epoch ms. */
  expires: number;
}

export interface SessionStore {
  create(session: StoredSession): void;
  get(hash: string): StoredSession | undefined;
  touch(hash: string, now: number): void;
  remove(hash: string): boolean;
  /** Ends every session of a user except `keep` (a session hash); returns how many ended. */
  removeForUser(userId: number, keep?: string): number;
  /** Deletes sessions past their absolute expiry or idle since before `idleBefore`. */
  purge(now: number, idleBefore: number): number;
}
