/**
 * What the serve bench ships: NDJSON bodies of two event mixes, and syslog lines, all from the shared
 * corpora. "regression" is SigmaHQ's regression records (every one an attack sample: most alert);
 * "evtx" is every record of the EVTX attack-samples corpus (attacks with the background traffic
 * around them, as an agent would ship it), so the two bound how alert volume weighs on ingest.
 */
import { readFileSync, readdirSync, statSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { readEvtxBuffer } from '../src/formats/evtx/index.js';
import { readJsonValues } from '../src/formats/jsonseq/read.js';

export const BATCH = 1000;
export const WINDOWS_SHARE = 0.7;

function filesUnder(dir: string, ext: string): string[] {
  const out: string[] = [];
  const walk = (d: string): void => {
    for (const e of readdirSync(d).sort()) {
      const p = join(d, e);
      if (statSync(p).isDirectory()) walk(p);
      else if (e.endsWith(ext)) out.push(p);
    }
  };
  walk(dir);
  return out;
}

/** SigmaHQ regression records (evtx-layout JSON). */
export function regressionEvents(dir: string): unknown[] {
  const out: unknown[] = [];
  for (const p of filesUnder(dir, '.json')) {
    for (const v of readJsonValues(readFileSync(p, 'utf8'), p)) if (!(v instanceof Error)) out.push(v.value);
  }
  return out;
}

/** Every record of the EVTX corpus, as the evtx-layout JSON an agent ships (`vigil evtx dump`'s `event`). */
export function evtxCorpusEvents(dir: string): unknown[] {
  const out: unknown[] = [];
  for (const p of filesUnder(dir, '.evtx')) {
    for (const r of readEvtxBuffer(readFileSync(p), { file: p })) out.push(r.event);
  }
  return out;
}

/** auth.log lines as a JSON shipper (Filebeat, Vector) sends them. */
export function authEvents(file: string): unknown[] {
  return readFileSync(file, 'utf8').split('\n').filter((l) => l.trim() !== '').map((line, i) => {
    const m = /^(\w{3} +\d+ [\d:]+) (\S+) ([^:[]+)(?:\[(\d+)\])?: (.*)$/.exec(line);
    return {
      '@timestamp': new Date(Date.UTC(2024, 1, 1, 0, 0, i % 3600)).toISOString(),
      host: { hostname: m?.[2] ?? 'host' }, process: { name: m?.[3] ?? 'sshd', pid: Number(m?.[4] ?? 0) },
      log: { file: { path: '/var/log/auth.log' } }, message: m?.[5] ?? line,
    };
  });
}

export interface Bodies {
  bodies: Uint8Array[];
  perBody: number[];
  bytes: number;
}

/** `count` bodies of BATCH events: WINDOWS_SHARE Windows records (in corpus order, cycled), the rest auth lines. */
export function ndjsonBodies(windows: unknown[], auth: unknown[], count: number): Bodies {
  const out: Uint8Array[] = [];
  const perBody: number[] = [];
  let bytes = 0;
  let w = 0;
  let a = 0;
  for (let b = 0; b < count; b++) {
    const lines: string[] = [];
    for (let i = 0; i < BATCH; i++) {
      const useWindows = auth.length === 0 || (windows.length > 0 && (i % 10) < WINDOWS_SHARE * 10);
      lines.push(JSON.stringify(useWindows ? windows[w++ % windows.length] : auth[a++ % auth.length]));
    }
    const buf = Buffer.from(lines.join('\n') + '\n');
    out.push(buf);
    perBody.push(BATCH);
    bytes += buf.length;
  }
  return { bodies: out, perBody, bytes };
}

/**
 * Real syslog lines from the logs corpus as a relay sends them over TCP: the RFC 5424 samples as they
 * are, the RFC 3164 auth.log and syslog lines with a PRI in front (authpriv.info / user.notice).
 */
export function syslogLines(logs: string): string[] {
  const out: string[] = [];
  const read = (rel: string): string[] => {
    const p = join(logs, rel);
    return existsSync(p) ? readFileSync(p, 'utf8').split('\n').filter((l) => l.trim() !== '') : [];
  };
  out.push(...read('syslog-rfc5424/test-5424.log'));
  for (const l of read('system-auth/test.log')) out.push(`<86>${l}`);
  for (const l of [...read('system-syslog/suse-syslog.log'), ...read('system-syslog/tz-offset.log')]) out.push(`<13>${l}`);
  return out;
}

/** The baseline the ingest benches compare with: decode a body, split on newlines, JSON.parse each line. Returns the lines parsed. */
export function parseBody(body: Uint8Array): number {
  const text = Buffer.from(body.buffer, body.byteOffset, body.byteLength).toString('utf8');
  let n = 0;
  let at = 0;
  for (;;) {
    const nl = text.indexOf('\n', at);
    if (nl < 0) break;
    if (nl > at) { JSON.parse(text.slice(at, nl)); n++; }
    at = nl + 1;
  }
  return n;
}
