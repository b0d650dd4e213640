/** The hash-chained audit log. */
export interface AuditActor {
  /** 'user' (session), 'token', 'ingest', 'system' (CLI, bootstrap), 'anonymous' (failed login). */
  kind: string;
  name: string;
  userId?: number;
}

export interface AuditTarget {
  type: string;
  id: string;
}

/** What a caller records; the store adds seq, ts, prev and hash. */
export interface AuditEntry {
  ts: number;
  actor: AuditActor;
  action: string;
  target: AuditTarget;
  before: unknown;
  after: unknown;
  /** Client address, when over HTTP. */
  ip?: string;
}

export interface AuditRecord extends AuditEntry {
  seq: number;
  /** Hash of the previous record ('' for the first). */
  prev: string;
  hash: string;
}

export interface AuditQuery {
  actor?: string;
  action?: string;
  targetType?: string;
  targetId?: string;
  from?: number;
  to?: number;
  limit?: number;
  offset?: number;
}

export interface AuditStore {
  /**
   * Appends atomically: `link(prev, seq)` gets the last record's hash and the new sequence number
   * inside the write transaction and returns the new record's hash, so concurrent writers cannot fork
   * the chain.
   */
  append(entry: AuditEntry, link: (prev: string, record: Omit<AuditRecord, 'hash'>) => string): AuditRecord;
  /** Newest first. */
  list(query?: AuditQuery): { total: number; records: AuditRecord[] };
  /** Every record in storage order (rowid), as stored, for verification. */
  scan(): Iterable<AuditRecord>;
}
