/** API and ingest tokens, stored by SHA-256 hash only, each with a role (and for shippers a profile). */
import type Database from 'better-sqlite3';
import { VigilError } from '../../core/errors.js';
import type { NewToken, StoredToken, TokenStore } from '../ports.js';

/** Adds the columns a v1 tokens table lacks; idempotent. */
export function migrateTokens(db: Database.Database): void {
  const cols = new Set((db.prepare('PRAGMA table_info(tokens)').all() as { name: string }[]).map((c) => c.name));
  if (!cols.has('role')) db.exec("ALTER TABLE tokens ADD COLUMN role TEXT NOT NULL DEFAULT 'admin'");
  if (!cols.has('kind')) db.exec("ALTER TABLE tokens ADD COLUMN kind TEXT NOT NULL DEFAULT 'token'");
  if (!cols.has('profile')) db.exec('ALTER TABLE tokens ADD COLUMN profile TEXT');
  if (!cols.has('expires')) db.exec('ALTER TABLE tokens ADD COLUMN expires INTEGER');
  if (!cols.has('owner')) db.exec('ALTER TABLE tokens ADD COLUMN owner INTEGER');
}

interface Row { hash: string; name: string; role: string; kind: string; profile: string | null; created: number; expires: number | null; owner: number | null }

function toToken(row: Row): StoredToken {
  const t: StoredToken = { name: row.name, role: row.role, kind: row.kind, created: row.created };
  if (row.profile !== null) t.profile = row.profile;
  if (row.expires !== null) t.expires = row.expires;
  if (row.owner !== null) t.owner = row.owner;
  return t;
}

export class SqliteTokenStore implements TokenStore {
  constructor(private readonly db: Database.Database) {
    migrateTokens(db);
  }

  count(): number {
    return (this.db.prepare('SELECT count(*) AS n FROM tokens').get() as { n: number }).n;
  }

  add(token: NewToken, now: number = Date.now()): void {
    if (!/^[0-9a-f]{64}$/.test(token.hash)) throw new VigilError('storage.token.hash', 'token hash must be SHA-256 hex');
    this.db.prepare('INSERT OR IGNORE INTO tokens (hash, name, role, kind, profile, created, expires, owner) VALUES (?, ?, ?, ?, ?, ?, ?, ?)')
      .run(token.hash, token.name, token.role, token.kind ?? 'token', token.profile ?? null, now, token.expires ?? null, token.owner ?? null);
  }

  lookup(hash: string, now: number = Date.now()): StoredToken | undefined {
    const row = this.db.prepare('SELECT * FROM tokens WHERE hash = ?').get(hash) as Row | undefined;
    if (!row || (row.expires !== null && row.expires <= now)) return undefined;
    return toToken(row);
  }

  list(): (StoredToken & { id: string })[] {
    return (this.db.prepare('SELECT * FROM tokens ORDER BY created').all() as Row[]).map((r) => ({ ...toToken(r), id: r.hash.slice(0, 12) }));
  }

  get(idPrefix: string): (StoredToken & { id: string }) | undefined {
    if (!/^[0-9a-f]{12}$/.test(idPrefix)) return undefined;
    const row = this.db.prepare('SELECT * FROM tokens WHERE substr(hash, 1, 12) = ?').get(idPrefix) as Row | undefined;
    return row ? { ...toToken(row), id: row.hash.slice(0, 12) } : undefined;
  }

  remove(idPrefix: string): boolean {
    if (!/^[0-9a-f]{12}$/.test(idPrefix)) return false;
    return this.db.prepare("DELETE FROM tokens WHERE substr(hash, 1, 12) = ?").run(idPrefix).changes > 0;
  }
}
