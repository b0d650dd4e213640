import type { Command } from 'commander';
import { VigilError } from '../../core/errors.js';
import { ConfigSchema, SyslogListenerSchema, durationMs, loadConfig, slaOptions, type VigilConfig } from '../../app/config.js';

function port(text: string): number {
  const n = Number(text);
  if (!/^\d{1,5}$/.test(text) || n > 65535) throw new VigilError('cli.serve.port', `invalid port '${text}'`);
  return n;
}

interface ServeFlags { secureCookies?: boolean; config?: string; data?: string; httpPort?: number; syslogPort?: number; host?: string; rules?: string[] }

/** The config file (or the defaults) with the command-line flags laid over it. */
export function effectiveConfig(flags: ServeFlags): VigilConfig {
  const config = flags.config ? loadConfig(flags.config) : ConfigSchema.parse({});
  if (flags.data !== undefined) config.data = flags.data;
  if (flags.host !== undefined) config.http.host = flags.host;
  if (flags.httpPort !== undefined) config.http.port = flags.httpPort;
  if (flags.rules?.length) config.rules = flags.rules;
  if (flags.syslogPort !== undefined) {
    // One port for both transports, as syslog daemons do; listeners from the file on other ports stay.
    const host = flags.host ?? '127.0.0.1';
    config.syslog = config.syslog.filter((l) => l.protocol === 'tls');
    for (const protocol of ['udp', 'tcp'] as const) {
      config.syslog.push(SyslogListenerSchema.parse({ protocol, port: flags.syslogPort, host }));
    }
  }
  return config;
}

/** `vigil serve`: ingest over HTTP and syslog, embedded store, streaming Sigma detection, alerts API. */
export function registerServeCommands(program: Command): void {
  program
    .command('serve')
    .description('run the Vigil server: HTTP ingest (native, ES _bulk, Splunk HEC), syslog, embedded store, detection, alerts and hunting API')
    .option('--config <file>', 'YAML config file (see docs/CONFIG.md); flags override it')
    .option('--data <dir>', 'data folder (default ./data)')
    .option('--http-port <n>', 'HTTP port (default 8470)', port)
    .option('--syslog-port <n>', 'syslog port for both UDP and TCP (off unless set here or in the config)', port)
    .option('--host <host>', 'address to bind (loopback by default)')
    .option('--secure-cookies', 'mark session cookies Secure (when a TLS proxy is in front)')
    .option('--rules <dir...>', 'Sigma rule files or folders (default: ../shared/corpora/sigma/rules if present, else rules/)')
    .action(async (flags: ServeFlags) => {
      const config = effectiveConfig(flags);
      // Loaded when serving only: the server's module graph would slow every other command's start.
      const { startVigil } = await import('../../app/start.js');
      const vigil = await startVigil({
        dataDir: config.data, port: config.http.port, host: config.http.host, rules: config.rules,
        maxBodyBytes: config.http.maxBodyBytes, syslog: config.syslog,
        retention: {
          ...(config.retention.maxAgeDays === undefined ? {} : { maxAgeDays: config.retention.maxAgeDays }),
          ...(config.retention.maxSizeMB === undefined ? {} : { maxSizeMB: config.retention.maxSizeMB }),
          checkEveryMs: durationMs(config.retention.checkEvery),
        },
        detection: { groupWindowMs: durationMs(config.detection.groupWindow) },
        ticketing: config.ticketing, sla: slaOptions(config.sla), ...(flags.config ? { configFile: flags.config } : {}),
        ingest: { maxQueuedEvents: config.ingest.maxQueueEvents, maxQueuedBytes: config.ingest.maxQueueBytes },
        ...(flags.secureCookies ? { secureCookies: true } : {}),
      });
      const stop = (): void => {
        void vigil.close().then(() => process.exit(0));
      };
      // SIGHUP reloads the rules, as daemons do; events keep flowing while the new set compiles.
      process.on('SIGHUP', () => { void vigil.reloadRules().catch((err: unknown) => process.stderr.write(`vigil: rule reload failed: ${String(err)}\n`)); });
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
    });
}
