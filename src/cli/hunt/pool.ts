import { statSync } from 'node:fs';
import { Worker } from 'node:worker_threads';
import { VigilError } from '../../core/errors.js';
import { decodeRuleSet, type RuleSet } from '../../sigma/index.js';
import { Hunter, correlationStubs, type FileOutcome } from './hunter.js';
import type { FromWorker, MatchItem, ToWorker, WorkerConfig } from './protocol.js';

const WORKER = new URL('./worker.js', import.meta.url);

export interface PoolOptions {
  threads: number;
  /** encodeRuleSet of the rules to hunt with. */
  ruleBytes: Uint8Array;
  /** The same rules decoded, for a hunt on this thread (decoded from ruleBytes when not given). */
  ruleSet?: () => RuleSet;
  pipeline: string;
}

/** Called on the main thread as results arrive; a throw stops the hunt. */
export interface PoolHandlers {
  /** Once, from the primary worker, after it loaded the rules. */
  ready(rules: number, errors: string[], stubs: unknown[] | undefined): void;
  matches(fileIndex: number, items: MatchItem[], records: number): void;
  /** After the file's last matches. */
  file(fileIndex: number, outcome: FileOutcome): void;
}

/** Largest first, so a big file does not start last and keep one thread busy alone at the end. */
export function dispatchOrder(files: string[]): number[] {
  const size = files.map((f) => {
    try {
      return statSync(f).size;
    } catch {
      return 0; // the worker reports why it cannot be read
    }
  });
  return files.map((_, i) => i).sort((a, b) => size[b]! - size[a]! || a - b);
}

/**
 * One thread: the hunt runs right here. A worker would only add its start-up, a copy of the rules
 * and the messaging of every match.
 */
async function runHere(files: string[], options: PoolOptions, handlers: PoolHandlers): Promise<{ compileErrors: string[] }> {
  const set = options.ruleSet ? options.ruleSet() : decodeRuleSet(options.ruleBytes);
  const hunter = new Hunter(set, options.pipeline);
  handlers.ready(hunter.rules.length, hunter.loadErrors.map((e) => e.describe()), correlationStubs(hunter.rules));
  for (const fileIndex of dispatchOrder(files)) {
    const r = await hunter.huntFile(files[fileIndex]!, (items, records) => handlers.matches(fileIndex, items, records));
    handlers.matches(fileIndex, r.items, r.records);
    handlers.file(fileIndex, { issues: r.issues, failure: r.failure });
  }
  return { compileErrors: [...new Set(hunter.compileErrors.map((e) => e.describe()))] };
}

/**
 * Runs the hunt on `threads` worker threads (at most one per file, at least one to load the rules),
 * handing out files one at a time. Resolves with the rule compile problems the workers met.
 */
export function runPool(files: string[], options: PoolOptions, handlers: PoolHandlers): Promise<{ compileErrors: string[] }> {
  const count = Math.max(1, Math.min(options.threads, files.length));
  if (count === 1) return runHere(files, options, handlers);
  const queue = dispatchOrder(files);
  // One copy of the rules in shared memory for all workers, instead of one cloned per worker.
  const ruleBytes = new Uint8Array(new SharedArrayBuffer(options.ruleBytes.length));
  ruleBytes.set(options.ruleBytes);
  const compileErrors = new Set<string>();
  const workers: Worker[] = [];
  let finished = 0;
  let failed = false;

  return new Promise((resolve, reject) => {
    const fail = (err: unknown) => {
      if (failed) return;
      failed = true;
      for (const w of workers) void w.terminate();
      reject(err);
    };
    for (let i = 0; i < count; i++) {
      const config: WorkerConfig = { ruleBytes, pipeline: options.pipeline, primary: i === 0 };
      // V8 sizes a worker's heap for throughput, not footprint: two workers each holding a compiled
      // engine reached 650+ MB on a 1 GB hunt. A compiled SigmaHQ engine is ~100 MB after GC, so these
      // limits keep headroom for three pipelines while collecting garbage early (measured: ~480 MB).
      const worker = new Worker(WORKER, { workerData: config, resourceLimits: { maxOldGenerationSizeMb: 256, maxYoungGenerationSizeMb: 8 } });
      workers.push(worker);
      let done = false;
      const next = () => {
        const fileIndex = queue.shift();
        const message: ToWorker = fileIndex === undefined ? { type: 'stop' } : { type: 'file', fileIndex, file: files[fileIndex]! };
        worker.postMessage(message);
      };
      worker.on('message', (m: FromWorker) => {
        if (failed) return;
        try {
          switch (m.type) {
            case 'ready':
              if (i === 0) handlers.ready(m.rules, m.errors, m.stubs);
              next();
              break;
            case 'matches':
              handlers.matches(m.fileIndex, m.items, m.records);
              break;
            case 'file':
              handlers.matches(m.fileIndex, m.items, m.records);
              handlers.file(m.fileIndex, { issues: m.issues, failure: m.failure });
              next();
              break;
            case 'done':
              done = true;
              for (const e of m.compileErrors) compileErrors.add(e);
              break;
            case 'fatal':
              fail(new VigilError('hunt.worker', m.message));
              break;
          }
        } catch (err) {
          fail(err);
        }
      });
      worker.on('error', (err) => fail(new VigilError('hunt.worker', `hunt worker failed: ${err.message}`, {}, { cause: err })));
      worker.on('exit', (code) => {
        if (!done) {
          fail(new VigilError('hunt.worker', `hunt worker stopped unexpectedly (exit code ${code})`));
          return;
        }
        if (++finished === count && !failed) resolve({ compileErrors: [...compileErrors] });
      });
    }
  });
}
