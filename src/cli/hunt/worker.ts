/** Worker thread entry of `vigil hunt`: loads the rules, then hunts the files the main thread hands out. */
import { parentPort, workerData } from 'node:worker_threads';
import { errorMessage } from '../../core/errors.js';
import { decodeRuleSet } from '../../sigma/index.js';
import { Hunter, correlationStubs } from './hunter.js';
import type { FromWorker, ToWorker, WorkerConfig } from './protocol.js';

const port = parentPort;
if (!port) throw new Error('hunt worker started outside a worker thread');
const config = workerData as WorkerConfig;
const send = (message: FromWorker) => port.postMessage(message);

let hunter: Hunter | undefined;
try {
  hunter = new Hunter(decodeRuleSet(config.ruleBytes), config.pipeline);
  send({
    type: 'ready',
    rules: hunter.rules.length,
    errors: config.primary ? hunter.loadErrors.map((e) => e.describe()) : [],
    stubs: config.primary ? correlationStubs(hunter.rules) : undefined,
  });
} catch (err) {
  send({ type: 'fatal', message: errorMessage(err) });
  port.close();
}

// Files come one at a time; the next arrives only after this one's result, so they never overlap.
port.on('message', (message: ToWorker) => {
  if (!hunter) return;
  if (message.type === 'stop') {
    send({ type: 'done', compileErrors: hunter.compileErrors.map((e) => e.describe()) });
    port.close();
    return;
  }
  const { fileIndex, file } = message;
  hunter
    .huntFile(file, (items, records) => send({ type: 'matches', fileIndex, items, records }))
    .then((r) => send({ type: 'file', fileIndex, ...r }))
    .catch((err: unknown) => send({ type: 'fatal', message: errorMessage(err) }));
});
