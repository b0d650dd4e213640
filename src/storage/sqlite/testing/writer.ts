/**
 * Test helper run in a worker thread or a child process: appends batches to a store with its own
 * connection and reports each committed batch. Not a test file itself.
 */
import { parentPort, workerData, isMainThread } from 'node:worker_threads';
import { synthetic } from '../../conformance.js';
import { openSqliteStores } from '../index.js';

export interface WriterJob {
  dir: string;
  batches: number;
  batchSize: number;
  start: number;
  stepMs: number;
  /** Dedup keys on every event (source 'writer', id `${batch}-${k}`). */
  keyed: boolean;
  /** After the last batch, report and then wait to be killed instead of closing. */
  hang: boolean;
  /** Run the background full-text indexer thread (as the server does). */
  indexer?: boolean;
}

function run(job: WriterJob, report: (message: unknown) => void): void {
  const stores = openSqliteStores(job.dir, { indexer: job.indexer ?? false });
  for (let b = 0; b < job.batches; b++) {
    const now = job.start + b * job.stepMs;
    const events = Array.from({ length: job.batchSize }, (_, k) => synthetic(b * job.batchSize + k, now, {
      original: { batch: b, k },
      ...(job.keyed ? { dedup: { source: 'writer', id: `${b}-${k}` } } : {}),
    }));
    const ids = stores.events.append(events, now);
    report({ batch: b, now, ids });
  }
  if (job.hang) {
    setInterval(() => {}, 1000);
    return;
  }
  stores.close();
}

if (!isMainThread && parentPort) {
  const port = parentPort;
  run(workerData as WriterJob, (m) => port.postMessage(m));
} else if (process.argv[2]) {
  run(JSON.parse(process.argv[2]) as WriterJob, (m) => process.stdout.write(`${JSON.stringify(m)}\n`));
}
