/**
 * The benchmark's HTTP shippers, in a worker thread so their CPU does not count against the server's
 * event loop: `clients` keep-alive connections, each posting the next NDJSON body as soon as the
 * previous one was acknowledged; a 429/503 is retried after a short pause, as a shipper would.
 */
import { Agent, request } from 'node:http';
import { parentPort, workerData } from 'node:worker_threads';

export interface ClientJob {
  url: string;
  token: string;
  bodies: Uint8Array[];
  eventsPerBody: number[];
  clients: number;
  totalBodies: number;
}

export interface ClientResult {
  acked: number;
  retries: number;
  ms: number;
  errors: string[];
}

function post(agent: Agent, url: URL, token: string, body: Uint8Array): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const req = request(url, {
      method: 'POST', agent,
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/x-ndjson', 'content-length': body.byteLength },
    }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(body);
  });
}

async function run(job: ClientJob): Promise<ClientResult> {
  const agent = new Agent({ keepAlive: true, maxSockets: job.clients });
  const url = new URL('/api/v1/events', job.url);
  let next = 0;
  let acked = 0;
  let retries = 0;
  const errors: string[] = [];
  const started = performance.now();
  const client = async (): Promise<void> => {
    while (next < job.totalBodies) {
      const k = next++ % job.bodies.length;
      for (;;) {
        const r = await post(agent, url, job.token, job.bodies[k]!);
        if (r.status === 200) {
          acked += (JSON.parse(r.text) as { accepted: number }).accepted;
          break;
        }
        if (r.status === 429 || r.status === 503) {
          retries++;
          await new Promise((res) => setTimeout(res, 20));
          continue;
        }
        if (errors.length < 5) errors.push(`${r.status} ${r.text.slice(0, 200)}`);
        break;
      }
    }
  };
  await Promise.all(Array.from({ length: job.clients }, client));
  const ms = performance.now() - started;
  agent.destroy();
  return { acked, retries, ms, errors };
}

if (parentPort && workerData) {
  const port = parentPort;
  run(workerData as ClientJob).then((r) => port.postMessage(r), (err: unknown) => port.postMessage({ acked: 0, retries: 0, ms: 0, errors: [String(err)] }));
}
