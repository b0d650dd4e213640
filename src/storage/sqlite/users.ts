/** Console users: username (unique, case-insensitive), role, disabled flag and a self-describing password hash. */
import type Database from 'better-sqlite3';
import { VigilError } from '../../core/errors.js';
import type { StoredUser, UserCredentials, UserPatch, UserStore } from '../ports.js';

export const USERS_DDL = `
CREATE TABLE IF NOT EXISTS users (
  id INTEGER PRIMARY KEY,
  username TEXT NOT NULL UNIQUE COLLATE NOCASE,
  role TEXT NOT NULL,
  password_hash TEXT NOT NULL,
  disabled INTEGER NOT NULL DEFAULT 0,
  created INTEGER NOT NULL,
  updated INTEGER NOT NULL
);
`;

interface Row { id: number; username: string; role: string; password_hash: string; disabled: number; created: number; updated: number }

function toUser(row: Row): StoredUser {
  return { id: row.id, username: row.username, role: row.role, disabled: row.disabled !== 0, created: row.created, updated: row.updated };
}

function toCredentials(row: Row): UserCredentials {
  return { ...toUser(row), passwordHash: row.password_hash };
}

function withoutHash(user: UserCredentials): StoredUser {
  const { passwordHash: _secret, ...rest } = user;
  return rest;
}

export class SqliteUserStore implements UserStore {
  constructor(private readonly db: Database.Database) {
    db.exec(USERS_DDL);
  }

  count(): number {
    return (this.db.prepare('SELECT count(*) AS n FROM users').get() as { n: number }).n;
  }

  create(user: { username: string; role: string; passwordHash: string }, now: number = Date.now()): StoredUser {
    try {
      const info = this.db.prepare('INSERT INTO users (username, role, password_hash, created, updated) VALUES (?, ?, ?, ?, ?)')
        .run(user.username, user.role, user.passwordHash, now, now);
      return withoutHash(this.get(Number(info.lastInsertRowid))!);
    } catch (err) {
      if ((err as { code?: string }).code === 'SQLITE_CONSTRAINT_UNIQUE') {
        throw new VigilError('storage.user.exists', `user '${user.username}' already exists`, { field: 'username' });
      }
      throw err;
    }
  }

  get(id: number): UserCredentials | undefined {
    const row = this.db.prepare('SELECT * FROM users WHERE id = ?').get(id) as Row | undefined;
    return row && toCredentials(row);
  }

  byUsername(username: string): UserCredentials | undefined {
    const row = this.db.prepare('SELECT * FROM users WHERE username = ?').get(username) as Row | undefined;
    return row && toCredentials(row);
  }

  list(): StoredUser[] {
    return (this.db.prepare('SELECT * FROM users ORDER BY id').all() as Row[]).map(toUser);
  }

  update(id: number, patch: UserPatch, now: number = Date.now()): StoredUser | undefined {
    const sets: string[] = [];
    const args: (string | number)[] = [];
    if (patch.role !== undefined) { sets.push('role = ?'); args.push(patch.role); }
    if (patch.disabled !== undefined) { sets.push('disabled = ?'); args.push(patch.disabled ? 1 : 0); }
    if (patch.passwordHash !== undefined) { sets.push('password_hash = ?'); args.push(patch.passwordHash); }
    sets.push('updated = ?');
    args.push(now, id);
    const changed = this.db.prepare(`UPDATE users SET ${sets.join(', ')} WHERE id = ?`).run(...args).changes;
    return changed ? withoutHash(this.get(id)!) : undefined;
  }
}
