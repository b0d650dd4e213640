import type { Command } from 'commander';
import { VigilError } from '../../core/errors.js';
import { DEFAULT_HOST, DEFAULT_PORT, startVigil } from '../../app/start.js';

function port(text: string): number {
  const n = Number(text);
  if (!/^\d{1,5}$/.test(text) || n > 65535) throw new VigilError('cli.serve.port', `invalid port '${text}'`);
  return n;
}

/** `vigil serve`: ingest over HTTP, embedded store, streaming Sigma detection, alerts API. */
export function registerServeCommands(program: Command): void {
  program
    .command('serve')
    .description('run the Vigil server: HTTP ingest (native, ES _bulk), embedded store, detection, alerts API')
    .option('--data <dir>', 'data folder', './data')
    .option('--http-port <n>', `HTTP port (default ${DEFAULT_PORT})`, port, DEFAULT_PORT)
    .option('--host <host>', 'address to bind (loopback by default)', DEFAULT_HOST)
    .option('--secure-cookies', 'mark session cookies Secure (when a TLS proxy is in front)')
    .option('--rules <dir...>', 'Sigma rule files or folders (default: ../shared/corpora/sigma/rules if present, else rules/)')
    .action(async (opts: { data: string; httpPort: number; host: string; rules?: string[]; secureCookies?: boolean }) => {
      const vigil = await startVigil({ dataDir: opts.data, port: opts.httpPort, host: opts.host, rules: opts.rules, ...(opts.secureCookies ? { secureCookies: true } : {}) });
      const stop = (): void => {
        void vigil.close().then(() => process.exit(0));
      };
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
    });
}
