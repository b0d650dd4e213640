import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Command } from 'commander';
import { VigilError } from '../../core/errors.js';
import { openDataStores } from '../../app/stores.js';
import { issueToken, listTokens, revokeToken, type TokenInfo, type TokenSpec } from '../../api/routes/tokens.js';
import type { Stores } from '../../storage/ports.js';

const DATA_HELP = 'data folder (the one `vigil serve --data` uses)';

function withStores<T>(dataDir: string, create: boolean, fn: (stores: Stores) => T): T {
  const dir = resolve(dataDir);
  if (!create && !existsSync(dir)) throw new VigilError('cli.token.data', `no data folder at ${dir}`, { file: dir });
  const stores = openDataStores(dir);
  try {
    return fn(stores);
  } finally {
    stores.close();
  }
}

function when(ms: number | undefined): string {
  return ms === undefined ? '-' : new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

function table(tokens: TokenInfo[]): string {
  const rows = [['ID', 'NAME', 'ROLE', 'KIND', 'PROFILE', 'CREATED', 'EXPIRES']];
  for (const t of tokens) {
    rows.push([t.id, t.name, t.role, t.kind, t.profile ?? '-', when(t.created), t.expired ? `${when(t.expires)} (expired)` : when(t.expires)]);
  }
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  return rows.map((r) => r.map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i]!))).join('  ')).join('\n');
}

/** `vigil token create|list|revoke`: API and ingest tokens of a data folder, stored as hashes only. */
export function registerTokenCommands(program: Command): void {
  const token = program.command('token').description('manage API and ingest tokens of a data folder (values are shown once, at creation)');

  token
    .command('create')
    .description('create a token and print it once on stdout (details go to stderr)')
    .requiredOption('--name <name>', 'what the token is for (e.g. the shipper)')
    .requiredOption('--role <role>', 'admin, detection-engineer, analyst, responder, viewer, or ingest (may only send events)')
    .option('--profile <profile>', 'source profile forced on events sent with this token')
    .option('--expires <when>', 'expiry: a duration (30d, 12h, 90m, 2w) or an ISO 8601 date')
    .option('--data <dir>', DATA_HELP, './data')
    .action((opts: { name: string; role: string; profile?: string; expires?: string; data: string }) => {
      const spec: TokenSpec = { name: opts.name, role: opts.role };
      if (opts.profile !== undefined) spec.profile = opts.profile;
      if (opts.expires !== undefined) spec.expires = opts.expires;
      const issued = withStores(opts.data, true, (stores) => issueToken(stores.tokens, spec));
      const details = [`role ${issued.role}`, `kind ${issued.kind}`];
      if (issued.profile) details.push(`profile ${issued.profile}`);
      details.push(issued.expires === undefined ? 'no expiry' : `expires ${when(issued.expires)}`);
      process.stderr.write(`vigil: created token '${issued.name}' (id ${issued.id}, ${details.join(', ')}); it is shown once, store it now\n`);
      process.stdout.write(`${issued.token}\n`);
    });

  token
    .command('list')
    .description('list tokens (id, name, role, kind, profile, dates; never the values)')
    .option('--data <dir>', DATA_HELP, './data')
    .option('--json', 'print JSON')
    .action((opts: { data: string; json?: boolean }) => {
      const tokens = withStores(opts.data, false, (stores) => listTokens(stores.tokens));
      process.stdout.write(opts.json ? `${JSON.stringify(tokens, null, 2)}\n` : `${table(tokens)}\n`);
    });

  token
    .command('revoke')
    .description('revoke a token by its id (from `vigil token list`); takes effect at once, also on a running server')
    .argument('<id>', 'token id (12 hex digits)')
    .option('--data <dir>', DATA_HELP, './data')
    .action((id: string, opts: { data: string }) => {
      const removed = withStores(opts.data, false, (stores) => revokeToken(stores.tokens, id));
      if (!removed) throw new VigilError('cli.token.unknown', `no token with id '${id.slice(0, 40)}'`);
      process.stderr.write(`vigil: revoked token ${id}\n`);
    });
}
