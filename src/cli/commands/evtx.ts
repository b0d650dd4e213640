import { Command, Option } from 'commander';
import { VigilError, errorMessage } from '../../core/errors.js';
import { readEvtx, toXml, type EvtxIssue, type EvtxRecord } from '../../formats/evtx/index.js';

/** Where the command writes; tests pass in-memory sinks. */
export interface EvtxCommandIo {
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
}

type DumpFormat = 'jsonl' | 'xml';

/** Output is gathered into blocks this large before a write, and writes wait for 'drain'. */
const FLUSH_BYTES = 1 << 16;

class Output {
  private pending = '';
  private closed = false;

  constructor(private readonly stream: NodeJS.WritableStream) {
    // A closed pipe (`vigil evtx dump x.evtx | head`) ends the dump quietly instead of crashing.
    stream.on('error', () => {
      this.closed = true;
    });
  }

  get isClosed(): boolean {
    return this.closed;
  }

  async write(text: string): Promise<void> {
    this.pending += text;
    if (this.pending.length >= FLUSH_BYTES) await this.flush();
  }

  async flush(): Promise<void> {
    if (this.pending === '' || this.closed) {
      this.pending = '';
      return;
    }
    const chunk = this.pending;
    this.pending = '';
    if (!this.stream.write(chunk)) {
      await new Promise<void>((resolve) => {
        const done = () => {
          this.stream.off('drain', done);
          this.stream.off('error', done);
          this.stream.off('close', done);
          resolve();
        };
        this.stream.on('drain', done);
        this.stream.on('error', done);
        this.stream.on('close', done);
      });
    }
  }
}

function recordJson(record: EvtxRecord): string {
  // Record ids beyond 2^53 are bigints, which JSON.stringify rejects: print them as strings.
  return JSON.stringify(record, (_key, value: unknown) => (typeof value === 'bigint' ? value.toString() : value));
}

/** Dumps one file; returns false when the file could not be read at all. */
async function dumpFile(path: string, format: DumpFormat, out: Output, err: NodeJS.WritableStream): Promise<boolean> {
  const onIssue = (issue: EvtxIssue) => {
    err.write(`vigil evtx: ${issue.severity}: ${issue.describe()}\n`);
  };
  const records = readEvtx(path, { onIssue });
  try {
    for (;;) {
      const step = await records.next();
      if (step.done) {
        // Neither a file header nor a single chunk: this is not an EVTX file.
        return step.value.header !== undefined || step.value.chunks > 0;
      }
      await out.write(format === 'xml' ? toXml(step.value) + '\n' : recordJson(step.value) + '\n');
      if (out.isClosed) {
        // Closes the file; return() wants a value of the generator's return type, which is discarded.
        await records.return(undefined as never);
        return true;
      }
    }
  } catch (e) {
    const message = e instanceof VigilError ? e.describe() : `${path}: ${errorMessage(e)}`;
    err.write(`vigil evtx: error: ${message}\n`);
    return false;
  }
}

/** Adds `vigil evtx dump FILE... [--format jsonl|xml]`. */
export function registerEvtxCommands(program: Command, io: EvtxCommandIo = { stdout: process.stdout, stderr: process.stderr }): void {
  const evtx = program.command('evtx').description('Windows event log (.evtx) files');
  evtx
    .command('dump')
    .description('print every record of EVTX files: one JSON object per line (default) or libevtx-style XML')
    .argument('<files...>', 'EVTX files to read')
    .addOption(new Option('-f, --format <format>', 'output format').choices(['jsonl', 'xml']).default('jsonl'))
    .action(async (files: string[], opts: { format: DumpFormat }) => {
      const out = new Output(io.stdout);
      let failed = false;
      for (const file of files) {
        if (!(await dumpFile(file, opts.format, out, io.stderr))) failed = true;
        if (out.isClosed) break;
      }
      await out.flush();
      if (failed) process.exitCode = 1;
    });
}
