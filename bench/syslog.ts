import { connect, type Socket } from 'node:net';
import type { ProfileInput } from '../src/formats/profiles/types.js';
import { createSyslogParser } from '../src/formats/syslog/index.js';
import { TcpSyslogListener } from '../src/ingest/syslog/index.js';
import type { IngestOutcome, IngestSink } from '../src/ingest/types.js';

const MESSAGES = 300_000;
const RUNS = 3;

/** A sink that stores nothing: the listener alone is measured (socket, framing, parsing, batching). */
class CountingSink implements IngestSink {
  count = 0;
  readonly congested = false;
  onDrain(fn: () => void): void {
    fn();
  }
  countDropped(): void {}
  async submit(inputs: readonly ProfileInput[]): Promise<IngestOutcome[]> {
    this.count += inputs.length;
    return inputs.map(() => ({ ok: true, ids: [] }));
  }
}

function lines(): string[] {
  const out: string[] = [];
  for (let i = 0; i < MESSAGES; i++) {
    out.push(i % 2 === 0
      ? `<38>Jan 10 10:00:${String(i % 60).padStart(2, '0')} web${i % 7} sshd[${1000 + (i % 5000)}]: Failed password for invalid user u${i % 97} from 198.51.100.${i % 250} port ${1024 + (i % 60000)} ssh2`
      : `<86>1 2024-01-10T10:00:00.${String(i % 1000).padStart(3, '0')}Z web${i % 7} sudo ${i % 5000} - [origin@1 ip="192.0.2.${i % 250}"] alice : TTY=pts/0 ; PWD=/home/alice ; USER=root ; COMMAND=/bin/cat /etc/shadow`);
  }
  return out;
}

async function viaTcp(payload: Buffer): Promise<number> {
  const sink = new CountingSink();
  const listener = new TcpSyslogListener(sink, { port: 0 });
  const { port } = await listener.start();
  const start = performance.now();
  await new Promise<void>((ok, fail) => {
    const s: Socket = connect(port, '127.0.0.1', () => s.end(payload));
    s.on('error', fail);
    s.on('close', () => ok());
  });
  while (sink.count < MESSAGES) await new Promise((ok) => setImmediate(ok));
  const seconds = (performance.now() - start) / 1000;
  await listener.close();
  if (sink.count !== MESSAGES) throw new Error(`lost messages: ${sink.count}`);
  return seconds;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

const fmt = (n: number) => Math.round(n).toLocaleString('en-US');

/** Syslog TCP listener throughput against parsing the same messages in a loop, in the same run. */
export async function benchSyslog(): Promise<string> {
  const msgs = lines();
  const newline = Buffer.from(msgs.join('\n') + '\n');
  const octet = Buffer.from(msgs.map((m) => `${Buffer.byteLength(m)} ${m}`).join(''));
  const parse = createSyslogParser();
  const parseRuns: number[] = [];
  for (let r = 0; r < RUNS; r++) {
    const t = performance.now();
    let sink = 0;
    for (const m of msgs) sink += parse(m).message.length;
    parseRuns.push((performance.now() - t) / 1000);
    if (sink === 0) throw new Error('nothing parsed');
  }
  const nl: number[] = [];
  const oc: number[] = [];
  for (let r = 0; r < RUNS; r++) {
    nl.push(await viaTcp(newline));
    oc.push(await viaTcp(octet));
  }
  const base = MESSAGES / median(parseRuns);
  const row = (name: string, runs: number[], bytes: number) => {
    const rate = MESSAGES / median(runs);
    return `| ${name} | ${fmt(rate)} | ${(bytes / 2 ** 20 / median(runs)).toFixed(1)} | ${(rate / base).toFixed(2)} |`;
  };
  return [
    '## Syslog TCP listener',
    '',
    `${fmt(MESSAGES)} messages (half RFC 3164 sshd, half RFC 5424 sudo with structured data, ${(newline.length / MESSAGES).toFixed(0)} bytes on average)`,
    'sent over one loopback connection to a TcpSyslogListener whose sink only counts (no store, no detection);',
    `median of ${RUNS} runs. The baseline is parseSyslog alone over the same messages in a loop.`,
    '',
    '| path | messages/s | MiB/s | ratio to parse-only |',
    '|---|---:|---:|---:|',
    `| parseSyslog loop (baseline) | ${fmt(base)} | | 1.00 |`,
    row('TCP, newline framing', nl, newline.length),
    row('TCP, octet counting', oc, octet.length),
    '',
  ].join('\n');
}
