/** Console sessions, keyed by the SHA-256 of the session id (the id itself lives only in the cookie). */
import type Database from 'better-sqlite3';
import type { SessionStore, StoredSession } from '../ports.js';

export const SESSIONS_DDL = `
CREATE TABLE IF NOT EXISTS sessions (
  hash TEXT PRIMARY KEY,
  user_id INTEGER NOT NULL REFERENCES users(id),
  created INTEGER NOT NULL,
  last_seen INTEGER NOT NULL,
  expires INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS sessions_user ON sessions (user_id);
`;

interface Row { hash: string; user_id: number; created: number; last_seen: number; expires: number }

export class SqliteSessionStore implements SessionStore {
  constructor(private readonly db: Database.Database) {
    db.exec(SESSIONS_DDL);
  }

  create(s: StoredSession): void {
    this.db.prepare('INSERT INTO sessions (hash, user_id, created, last_seen, expires) VALUES (?, ?, ?, ?, ?)')
      .run(s.hash, s.userId, s.created, s.lastSeen, s.expires);
  }

  get(hash: string): StoredSession | undefined {
    const row = this.db.prepare('SELECT * FROM sessions WHERE hash = ?').get(hash) as Row | undefined;
    return row && { hash: row.hash, userId: row.user_id, created: row.created, lastSeen: row.last_seen, expires: row.expires };
  }

  touch(hash: string, now: number): void {
    this.db.prepare('UPDATE sessions SET last_seen = ? WHERE hash = ?').run(now, hash);
  }

  remove(hash: string): boolean {
    return this.db.prepare('DELETE FROM sessions WHERE hash = ?').run(hash).changes > 0;
  }

  removeForUser(userId: number, keep?: string): number {
    return this.db.prepare('DELETE FROM sessions WHERE user_id = ? AND hash != ?').run(userId, keep ?? '').changes;
  }

  purge(now: number, idleBefore: number): number {
    return this.db.prepare('DELETE FROM sessions WHERE expires <= ? OR last_seen < ?').run(now, idleBefore).changes;
  }
}
