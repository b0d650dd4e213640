// Test support only: a writer process (testing/writer.ts) killed with SIGKILL once it has acknowledged enough.
import { spawn } from 'node:child_process';
import type { WriterJob } from './writer.js';

const WRITER = new URL('./writer.js', import.meta.url);

/** One acknowledged batch: its number and the ids it was stored under. */
export interface WriterAck {
  batch: number;
  ids: number[];
}

/** Runs `job` in a child process, collects its acknowledgements until `enough(acks)`, then kills it with -9. */
export async function runWriterThenKill(job: WriterJob, enough: (acks: readonly WriterAck[]) => boolean): Promise<WriterAck[]> {
  const child = spawn(process.execPath, [WRITER.pathname, JSON.stringify(job)], { stdio: ['ignore', 'pipe', 'inherit'] });
  const acks: WriterAck[] = [];
  await new Promise<void>((ok, fail) => {
    let buffer = '';
    child.stdout.on('data', (chunk: Buffer) => {
      buffer += chunk.toString();
      let nl: number;
      while ((nl = buffer.indexOf('\n')) >= 0) {
        acks.push(JSON.parse(buffer.slice(0, nl)) as WriterAck);
        buffer = buffer.slice(nl + 1);
      }
      if (enough(acks)) ok();
    });
    child.on('exit', (code) => fail(new Error(`writer exited early (${code})`)));
  });
  child.removeAllListeners('exit');
  const gone = new Promise((r) => child.on('exit', r));
  child.kill('SIGKILL');
  await gone;
  return acks;
}
