/**
 * Test peers: real HTTP servers on loopback that behave like the ticketing systems (Jira REST v2,
 * ServiceNow Table API, a webhook receiver that checks signatures on its own). They record every
 * request and can be told to fail the next requests with a given status and headers.
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { TicketCase } from '../types.js';

export interface Recorded {
  method: string;
  path: string;
  headers: IncomingMessage['headers'];
  body: string;
  /** Epoch ms when the request arrived. */
  at: number;
}

interface Scripted { status: number; headers?: Record<string, string>; body?: string; method?: string; path?: RegExp }

type Answer = { status: number; body?: unknown; headers?: Record<string, string> };

export abstract class Peer {
  readonly requests: Recorded[] = [];
  private readonly script: Scripted[] = [];
  private server: Server | undefined;
  url = '';

  /** The next `times` requests get this answer instead of the normal one. */
  failNext(status: number, times = 1, headers?: Record<string, string>, body = `{"error":"forced ${status}"}`): void {
    for (let i = 0; i < times; i++) this.script.push({ status, headers, body });
  }

  /** Like failNext, but only for requests with this method and path. */
  failMatching(method: string, path: RegExp, status: number, times = 1): void {
    for (let i = 0; i < times; i++) this.script.push({ status, method, path, body: `{"error":"forced ${status}"}` });
  }

  protected abstract handle(req: Recorded): Answer;

  async listen(port = 0): Promise<this> {
    this.server = createServer((req, res) => this.onRequest(req, res));
    await new Promise<void>((ok) => this.server!.listen(port, '127.0.0.1', ok));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this;
  }

  async close(): Promise<void> {
    if (!this.server) return;
    this.server.closeAllConnections();
    await new Promise<void>((ok) => this.server!.close(() => ok()));
    this.server = undefined;
  }

  private onRequest(req: IncomingMessage, res: ServerResponse): void {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const rec: Recorded = { method: req.method ?? 'GET', path: req.url ?? '/', headers: req.headers, body: Buffer.concat(chunks).toString('utf8'), at: Date.now() };
      this.requests.push(rec);
      const i = this.script.findIndex((s) => (!s.method || s.method === rec.method) && (!s.path || s.path.test(rec.path)));
      const forced = i >= 0 ? this.script.splice(i, 1)[0] : undefined;
      if (forced) {
        res.writeHead(forced.status, { 'content-type': 'application/json', ...forced.headers });
        res.end(forced.body);
        return;
      }
      let answer: Answer;
      try {
        answer = this.handle(rec);
      } catch (err) {
        answer = { status: 400, body: { errorMessages: [(err as Error).message] } };
      }
      const text = answer.body === undefined ? '' : JSON.stringify(answer.body);
      res.writeHead(answer.status, { ...(text ? { 'content-type': 'application/json' } : {}), ...answer.headers });
      res.end(text);
    });
  }
}

function json(body: string): Record<string, unknown> {
  return JSON.parse(body) as Record<string, unknown>;
}

/** Jira: issues, a workflow To Do -> In Progress -> Done, Basic or Bearer auth. */
export class JiraPeer extends Peer {
  readonly issues = new Map<string, { fields: Record<string, unknown>; status: string }>();
  private seq = 0;

  constructor(private readonly expectedAuth: string) {
    super();
  }

  static readonly TRANSITIONS = [
    { id: '11', name: 'Start Progress', to: { name: 'In Progress' } },
    { id: '21', name: 'Resolve', to: { name: 'Done' } },
    { id: '31', name: 'Reopen', to: { name: 'To Do' } },
  ];

  protected handle(r: Recorded): Answer {
    if (r.headers.authorization !== this.expectedAuth) return { status: 401, body: { errorMessages: ['unauthorized'] } };
    if (r.method === 'POST' && r.path === '/rest/api/2/issue') {
      const fields = json(r.body)['fields'] as Record<string, unknown>;
      if (!fields?.['project'] || !fields['summary'] || !fields['issuetype']) return { status: 400, body: { errors: { summary: 'required' } } };
      const key = `${(fields['project'] as { key: string }).key}-${++this.seq}`;
      this.issues.set(key, { fields, status: 'To Do' });
      return { status: 201, body: { id: String(10000 + this.seq), key, self: `${this.url}/rest/api/2/issue/${key}` } };
    }
    const m = /^\/rest\/api\/2\/issue\/([^/]+)(\/transitions)?$/.exec(r.path);
    const issue = m ? this.issues.get(decodeURIComponent(m[1]!)) : undefined;
    if (!m || !issue) return { status: 404, body: { errorMessages: ['Issue does not exist'] } };
    if (!m[2] && r.method === 'PUT') {
      Object.assign(issue.fields, json(r.body)['fields']);
      return { status: 204 };
    }
    if (m[2] && r.method === 'GET') {
      return { status: 200, body: { transitions: JiraPeer.TRANSITIONS.filter((t) => t.to.name !== issue.status) } };
    }
    if (m[2] && r.method === 'POST') {
      const id = (json(r.body)['transition'] as { id?: string } | undefined)?.id;
      const t = JiraPeer.TRANSITIONS.find((x) => x.id === id);
      if (!t) return { status: 400, body: { errorMessages: ['invalid transition'] } };
      issue.status = t.to.name;
      return { status: 204 };
    }
    return { status: 405 };
  }
}

/** ServiceNow: the incident table. */
export class ServiceNowPeer extends Peer {
  readonly incidents = new Map<string, Record<string, unknown>>();
  private seq = 0;

  constructor(private readonly expectedAuth: string) {
    super();
  }

  protected handle(r: Recorded): Answer {
    if (r.headers.authorization !== this.expectedAuth) return { status: 401, body: { error: { message: 'User Not Authenticated' } } };
    if (r.method === 'POST' && r.path === '/api/now/table/incident') {
      const sysId = randomBytes(16).toString('hex');
      const record = { ...json(r.body), sys_id: sysId, number: `INC${String(++this.seq).padStart(7, '0')}` };
      this.incidents.set(sysId, record);
      return { status: 201, body: { result: record } };
    }
    const m = /^\/api\/now\/table\/incident\/([0-9a-f]{32})$/.exec(r.path);
    const record = m ? this.incidents.get(m[1]!) : undefined;
    if (!record) return { status: 404, body: { error: { message: 'No Record found' } } };
    if (r.method === 'PATCH') {
      Object.assign(record, json(r.body));
      return { status: 200, body: { result: record } };
    }
    return { status: 405 };
  }
}

/** A webhook receiver that verifies X-Vigil-Signature itself, as a third party would. */
export class WebhookPeer extends Peer {
  readonly verified: { event: string; case: Record<string, unknown>; sentAt: string }[] = [];

  constructor(private readonly secret: string, private readonly answerTicketKey?: (caseId: number) => string) {
    super();
  }

  protected handle(r: Recorded): Answer {
    const ts = String(r.headers['x-vigil-timestamp'] ?? '');
    const sig = String(r.headers['x-vigil-signature'] ?? '');
    const expected = `sha256=${createHmac('sha256', this.secret).update(`${ts}.${r.body}`).digest('hex')}`;
    const fresh = Math.abs(Date.now() / 1000 - Number(ts)) <= 300;
    if (!fresh || sig.length !== expected.length || !timingSafeEqual(Buffer.from(sig), Buffer.from(expected))) {
      return { status: 401, body: { error: 'bad signature' } };
    }
    const payload = json(r.body) as { event: string; case: Record<string, unknown>; sentAt: string };
    this.verified.push(payload);
    return this.answerTicketKey ? { status: 200, body: { ticketKey: this.answerTicketKey(payload.case['id'] as number) } } : { status: 204 };
  }
}

/** A case as the cases module would emit it. */
export function aCase(over: Partial<TicketCase> = {}): TicketCase {
  return {
    id: 7, title: 'Phishing: invoice.pdf.exe', description: 'User reported a phishing mail.', severity: 'high',
    status: 'open', owner: 'alice', tags: ['phishing', 'mail gateway'], tlp: 'amber', url: 'https://vigil.local/cases/7', ...over,
  };
}

/** Polls until `check` is true (a deadline against hangs, not a speed assertion). */
export async function waitFor(check: () => boolean, what: string, deadlineMs = 10_000): Promise<void> {
  const end = Date.now() + deadlineMs;
  while (!check()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((ok) => setTimeout(ok, 10));
  }
}
