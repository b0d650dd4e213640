/**
 * The background indexer thread (started by SqliteEventStore.startIndexer): full-text indexes fresh
 * events into the FTS file and checkpoints the events database's WAL (the writer connection has
 * wal_autocheckpoint = 0), both off the ingest thread. Messages in: 'kick' (rows were committed),
 * 'stop'. Messages out: { through } after each round, { error } when a round failed (retried later).
 */
import { parentPort, workerData } from 'node:worker_threads';
import Database from 'better-sqlite3';
import { attachFullText, FtsIndexer } from './fts.js';

export interface IndexerJob {
  dbFile: string;
  ftsFile: string;
  /** Checkpoint the events WAL at most this often (PASSIVE: copies what no reader still needs). */
  checkpointMs: number;
  /** Safety net when no kick arrives (rows written by another process). */
  pollMs: number;
  rowsPerPass: number;
}

const job = workerData as IndexerJob;
const port = parentPort!;
const db = new Database(job.dbFile);
db.pragma('busy_timeout = 10000');
attachFullText(db, job.ftsFile);
const indexer = new FtsIndexer(db);
let lastCheckpoint = Date.now();
let stopped = false;

/** Indexes until nothing is left, then checkpoints when due. Synchronous: messages wait between rounds. */
function round(): void {
  if (stopped) return;
  try {
    for (;;) {
      const r = indexer.pass(job.rowsPerPass);
      if (r.rows > 0 || r.done) port.postMessage({ through: r.through });
      if (r.done) break;
    }
    const now = Date.now();
    if (now - lastCheckpoint >= job.checkpointMs) {
      // PASSIVE: never waits for the writer or readers; copies what it can.
      db.pragma('main.wal_checkpoint(PASSIVE)');
      lastCheckpoint = now;
    }
  } catch (err) {
    port.postMessage({ error: (err as Error).message });
  }
}

const timer = setInterval(round, job.pollMs);
port.on('message', (m: string) => {
  if (m === 'kick') setImmediate(round);
  else if (m === 'stop') {
    stopped = true;
    clearInterval(timer);
    db.close();
    port.close();
  }
});
round();
