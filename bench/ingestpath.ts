/**
 * The HTTP ingest path on the server's main thread, stage by stage, on the serve bench's HTTP bodies
 * (bench/serve-data.ts): NDJSON splitting, source-profile normalization, the event JSON the store and
 * detection take, the queue's size estimate, and the whole split -> normalize -> serialize path, in µs
 * per event and as a ratio to a JSON.parse-only loop over the same bytes in the same run.
 */
import { splitNdjson } from '../src/formats/json/ndjson.js';
import { normalize } from '../src/formats/profiles/registry.js';
import type { NormalizedEvent, ProfileInput } from '../src/formats/profiles/types.js';
import type { EventObject } from '../src/core/event.js';
import { serializeEvent } from '../src/ingest/event-json.js';
import { estimateBytes } from '../src/ingest/pipeline-size.js';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { authEvents, ndjsonBodies, parseBody, regressionEvents, type Bodies } from './serve-data.js';

/** The serve bench's HTTP bodies (its `storm`): 20 bodies from sigma-regression events and auth.log lines. */
function serveMix(corpora: string): Bodies | undefined {
  const regression = join(corpora, 'sigma-regression');
  const authLog = join(corpora, 'logs', 'system-auth', 'test.log');
  if (!existsSync(regression)) return undefined;
  return ndjsonBodies(regressionEvents(regression), existsSync(authLog) ? authEvents(authLog) : [], 20);
}

const ROUNDS = Number(process.env['VIGIL_BENCH_INGESTPATH_ROUNDS'] ?? 7);

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

/** Median µs per event of `fn` over ROUNDS rounds (after one warm-up round); `fn` returns the events it handled. */
function measure(fn: () => number): number {
  fn();
  const out: number[] = [];
  for (let r = 0; r < ROUNDS; r++) {
    (globalThis as { gc?: () => void }).gc?.();
    const started = performance.now();
    const n = fn();
    out.push(((performance.now() - started) * 1000) / n);
  }
  return median(out);
}

/** The baseline, as in bench/serve.ts. */
function parseOnly(bodies: Uint8Array[]): number {
  let n = 0;
  for (const body of bodies) n += parseBody(body);
  return n;
}

const utf8 = new TextDecoder();

/** What splitNdjson cannot avoid: decode each line from the body's bytes and JSON.parse it. */
function lineParseOnly(bodies: Uint8Array[]): number {
  let n = 0;
  for (const body of bodies) {
    for (let at = 0; at < body.length;) {
      let nl = body.indexOf(0x0a, at);
      if (nl < 0) nl = body.length;
      if (nl > at) { JSON.parse(utf8.decode(body.subarray(at, nl))); n++; }
      at = nl + 1;
    }
  }
  return n;
}

function inputsOf(body: Uint8Array): ProfileInput[] {
  const out: ProfileInput[] = [];
  for (const item of splitNdjson(body, { file: 'request body' })) if (item.ok) out.push({ kind: 'json', value: item.value as EventObject, json: item.text });
  return out;
}

/** What the route and pipeline.submit do per event before queueing it. */
function wholePath(bodies: Uint8Array[]): number {
  let n = 0;
  for (const body of bodies) {
    for (const input of inputsOf(body)) {
      for (const e of normalize(input)) if (serializeEvent(e, input)) n++;
      estimateBytes(input);
    }
  }
  return n;
}

export async function benchIngestPath(corpora: string): Promise<string> {
  const data = serveMix(corpora);
  if (!data) return '## HTTP ingest path, stage by stage\n\nskipped: sigma-regression corpus not found\n';
  const events = data.perBody.reduce((a, b) => a + b, 0);
  const inputs = data.bodies.flatMap(inputsOf);
  const normalized: [NormalizedEvent, ProfileInput][] = inputs.flatMap((i) => normalize(i).map((e): [NormalizedEvent, ProfileInput] => [e, i]));
  if (inputs.length !== events) throw new Error(`split gave ${inputs.length} events, expected ${events}`);

  const baseline = measure(() => parseOnly(data.bodies));
  const rows: [string, number][] = [
    ['per-line decode + JSON.parse (the floor under splitNdjson)', measure(() => lineParseOnly(data.bodies))],
    ['splitNdjson (bytes -> objects)', measure(() => { let n = 0; for (const b of data.bodies) n += splitNdjson(b, { file: 'request body' }).length; return n; })],
    ['normalize (profile detection + ECS core)', measure(() => { let n = 0; for (const i of inputs) n += normalize(i).length; return n; })],
    ['serialize (core, logsource, original JSON)', measure(() => { let n = 0; for (const [e, i] of normalized) if (serializeEvent(e, i)) n++; return n; })],
    ['queue size estimate', measure(() => { let n = 0; for (const i of inputs) n += estimateBytes(i) > 0 ? 1 : 0; return n; })],
    ['whole path: split -> normalize -> serialize (+ estimate)', measure(() => wholePath(data.bodies))],
  ];
  const line = (name: string, us: number): string => `| ${name} | ${us.toFixed(2)} µs | ${(us / baseline).toFixed(2)}x |`;
  return [
    '## HTTP ingest path, stage by stage (`bench/ingestpath.ts`)',
    '',
    `The serve bench's bodies (${data.bodies.length} NDJSON bodies x ${data.perBody[0]} events, `
      + `${(data.bytes / events).toFixed(0)} bytes/event: 70% Sysmon/Windows evtx-JSON, 30% auth.log lines as shipper JSON), `
      + `in process, no server or store; median of ${ROUNDS} rounds over all ${events.toLocaleString('en-US')} events.`,
    '',
    '| stage | per event | vs JSON.parse-only |',
    '|---|---|---|',
    line('JSON.parse-only loop, same bytes (baseline)', baseline),
    ...rows.map(([name, us]) => line(name, us)),
    '',
  ].join('\n');
}
