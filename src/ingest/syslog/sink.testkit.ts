/** Test helpers for the syslog listeners: a recording IngestSink, the real `logger` client, waiting. */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import type { ProfileInput } from '../../formats/profiles/types.js';
import type { SyslogRecord } from '../../formats/syslog/index.js';
import { OverloadedError, type IngestOutcome, type IngestSink, type SourceInfo } from '../types.js';

export interface Received {
  input: ProfileInput;
  info: SourceInfo;
}

/**
 * An IngestSink that keeps what it is given. `congested` can be switched (switching it off fires the
 * drain callbacks), `refuse(n)` makes the next n submits reject with OverloadedError, and `hold()`
 * keeps submits unanswered until `release()`.
 */
export class RecordingSink implements IngestSink {
  readonly received: Received[] = [];
  readonly submits: number[] = [];
  readonly dropped: Array<{ source: string; n: number; reason: string }> = [];
  private isCongested = false;
  private drainFns: Array<() => void> = [];
  private refusals = 0;
  private held: Array<() => void> = [];
  private holding = false;
  /** Called after each accepted submit (tests watch congestion change from here). */
  afterSubmit: (sink: RecordingSink) => void = () => {};

  get congested(): boolean {
    return this.isCongested;
  }

  setCongested(value: boolean): void {
    this.isCongested = value;
    if (!value) {
      const fns = this.drainFns;
      this.drainFns = [];
      for (const fn of fns) fn();
    }
  }

  onDrain(fn: () => void): void {
    if (!this.isCongested) fn();
    else this.drainFns.push(fn);
  }

  refuse(n: number): void {
    this.refusals = n;
  }

  hold(): void {
    this.holding = true;
  }

  release(): void {
    this.holding = false;
    const held = this.held;
    this.held = [];
    for (const fn of held) fn();
  }

  countDropped(source: string, n: number, reason: string): void {
    this.dropped.push({ source, n, reason });
  }

  droppedFor(reason: string): number {
    return this.dropped.filter((d) => d.reason === reason).reduce((s, d) => s + d.n, 0);
  }

  async submit(inputs: readonly ProfileInput[], info: SourceInfo): Promise<IngestOutcome[]> {
    if (this.refusals > 0) {
      this.refusals--;
      throw new OverloadedError(1);
    }
    if (this.holding) await new Promise<void>((ok) => this.held.push(ok));
    this.submits.push(inputs.length);
    for (const input of inputs) this.received.push({ input, info });
    this.afterSubmit(this);
    return inputs.map((_, i) => ({ ok: true, ids: [this.received.length - inputs.length + i + 1] }));
  }

  records(): SyslogRecord[] {
    return this.received.map((r) => {
      if (r.input.kind !== 'syslog') throw new Error(`expected a syslog input, got ${JSON.stringify(r.input)}`);
      return r.input.record;
    });
  }

  messages(): string[] {
    return this.records().map((r) => r.message);
  }
}

/** Polls until `cond()` holds; fails with `what` after `ms`. */
export async function waitUntil(cond: () => boolean, what: string, ms = 5000): Promise<void> {
  const start = Date.now();
  while (!cond()) {
    if (Date.now() - start > ms) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await new Promise((ok) => setTimeout(ok, 5));
  }
}

export const LOGGER = '/usr/bin/logger';
export const OPENSSL = '/usr/bin/openssl';
export const noLogger = existsSync(LOGGER) ? false : `${LOGGER} (util-linux, Debian package bsdutils) is not installed`;
export const noOpenssl = existsSync(OPENSSL) ? false : `${OPENSSL} is not installed`;

/** Runs a real client program; `stdin` is written to it and closed. */
export function run(file: string, args: string[], stdin?: string): Promise<string> {
  return new Promise((ok, fail) => {
    const child = execFile(file, args, { timeout: 10_000 }, (err, stdout, stderr) => {
      if (err) fail(new Error(`${file} ${args.join(' ')} failed: ${err.message}\n${stderr}`));
      else ok(stdout);
    });
    // A client given its message as an argument exits without reading stdin (EPIPE); missing events show that.
    child.stdin?.on('error', () => {});
    child.stdin?.end(stdin ?? '');
  });
}
