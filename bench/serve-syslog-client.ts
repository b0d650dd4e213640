/**
 * The benchmark's syslog relays, in a worker thread: `connections` TCP connections to the server's
 * syslog listener, each writing its share of the lines (octet-counting framing, as rsyslog's
 * RFC 5425-style forwarding does) with socket backpressure honoured.
 */
import { connect } from 'node:net';
import { parentPort, workerData } from 'node:worker_threads';

export interface SyslogJob {
  port: number;
  lines: string[];
  total: number;
  connections: number;
}

function relay(port: number, frames: Buffer[]): Promise<void> {
  return new Promise((resolve, reject) => {
    const s = connect(port, '127.0.0.1');
    let k = 0;
    const pump = (): void => {
      while (k < frames.length) if (!s.write(frames[k++]!)) return;
      s.end();
    };
    s.on('connect', pump);
    s.on('drain', pump);
    s.on('error', reject);
    s.on('close', () => resolve());
  });
}

async function run(job: SyslogJob): Promise<void> {
  const framed = job.lines.map((l) => Buffer.from(`${Buffer.byteLength(l)} ${l}`));
  // Writes of ~64 KiB, as a relay batches them.
  const shares = Array.from({ length: job.connections }, (_, c) => {
    const frames: Buffer[] = [];
    let pending: Buffer[] = [];
    let size = 0;
    for (let i = c; i < job.total; i += job.connections) {
      const f = framed[i % framed.length]!;
      pending.push(f);
      size += f.length;
      if (size >= 65536) { frames.push(Buffer.concat(pending)); pending = []; size = 0; }
    }
    if (pending.length) frames.push(Buffer.concat(pending));
    return frames;
  });
  await Promise.all(shares.map((frames) => relay(job.port, frames)));
}

if (parentPort && workerData) {
  const port = parentPort;
  run(workerData as SyslogJob).then(() => port.postMessage({ ok: true }), (err: unknown) => port.postMessage({ ok: false, error: String(err) }));
}
