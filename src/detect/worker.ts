/**
 * Detection worker thread: loads and compiles one rule set, then answers batches in order. A load
 * that throws (not a rule error, those are reported) ends the thread with an error the stage sees.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { RuleRuntime } from './runtime.js';
import type { FromWorker, StageEvent, ToWorker, WorkerInit } from './types.js';

const port = parentPort;
if (!port) throw new Error('src/detect/worker.js runs as a worker thread of DetectionStage');
const init = workerData as WorkerInit;
const runtime = RuleRuntime.load(init.paths, init.options);
const send = (msg: FromWorker): void => port.postMessage(msg);
send({ type: 'ready', report: runtime.report });

port.on('message', (msg: ToWorker) => {
  if (msg.type === 'detect') {
    const events = msg.json !== undefined ? JSON.parse(msg.json) as StageEvent[] : msg.events ?? [];
    send({ type: 'result', seq: msg.seq, ...runtime.detect(events, Date.now()) });
  } else {
    send({ type: 'result', seq: msg.seq, alerts: runtime.tick(Date.now()), failures: 0 });
  }
});
