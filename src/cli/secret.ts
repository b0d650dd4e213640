/** Reads a secret from stdin (piped) or a terminal prompt without echo. Never prints what was typed. */
const MAX_SECRET = 4096;

export interface SecretOptions {
  fromStdin: boolean;
  prompt: string;
  /** Asks a second time and requires the same answer (terminal only). */
  confirm?: string;
  stdin?: NodeJS.ReadableStream & { isTTY?: boolean; setRawMode?: (raw: boolean) => unknown };
  out?: NodeJS.WritableStream;
}

async function readAll(stream: NodeJS.ReadableStream): Promise<string> {
  let size = 0;
  const chunks: Buffer[] = [];
  for await (const chunk of stream) {
    const b = Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk));
    size += b.length;
    if (size > MAX_SECRET) throw new Error(`secret on stdin is longer than ${MAX_SECRET} bytes`);
    chunks.push(b);
  }
  const text = Buffer.concat(chunks).toString('utf8');
  return text.split(/\r?\n/, 1)[0] ?? '';
}

function promptHidden(stdin: NonNullable<SecretOptions['stdin']>, out: NodeJS.WritableStream, prompt: string): Promise<string> {
  return new Promise((ok, fail) => {
    out.write(prompt);
    let value = '';
    stdin.setRawMode?.(true);
    stdin.resume();
    const done = (err?: Error): void => {
      stdin.off('data', onData);
      stdin.setRawMode?.(false);
      stdin.pause();
      out.write('\n');
      if (err) fail(err); else ok(value);
    };
    const onData = (chunk: Buffer | string): void => {
      for (const ch of String(chunk)) {
        if (ch === '\r' || ch === '\n' || ch === '\u0004') return done();
        if (ch === '\u0003') return done(new Error('cancelled'));
        if (ch === '\u007f' || ch === '\b') value = value.slice(0, -1);
        else if (value.length < MAX_SECRET) value += ch;
      }
    };
    stdin.on('data', onData);
  });
}

/** The secret, or undefined when there is neither piped input requested nor a terminal to ask. */
export async function readSecret(options: SecretOptions): Promise<string | undefined> {
  const stdin = options.stdin ?? process.stdin;
  const out = options.out ?? process.stderr;
  if (options.fromStdin) return readAll(stdin);
  if (!stdin.isTTY) return undefined;
  const first = await promptHidden(stdin, out, options.prompt);
  if (options.confirm !== undefined && (await promptHidden(stdin, out, options.confirm)) !== first) {
    throw new Error('the passwords do not match');
  }
  return first;
}
