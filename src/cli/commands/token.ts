/**
 * `vigil token create|list|revoke`: API and ingest tokens of a data folder, through the same identity
 * service as `/api/v1/tokens` (hashes only, every change in the audit log), without a server. A running
 * server sees the change at its next request.
 */
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Command } from 'commander';
import { createTokenOffline, listTokensOffline, revokeTokenOffline } from '../../app/admin.js';
import { VigilError } from '../../core/errors.js';
import { getProfile } from '../../formats/profiles/registry.js';
import { ROLES } from '../../api/permissions.js';
import { DEFAULT_TOKEN_DAYS, MAX_TOKEN_DAYS, type TokenView } from '../../identity/index.js';

const DATA_HELP = 'data folder (the one `vigil serve --data` uses)';

/** Days from `30d`, `2w` or a bare number of days. */
export function expiryDays(text: string): number {
  const m = /^(\d{1,4})([dw]?)$/.exec(text.trim());
  const days = m ? Number(m[1]) * (m[2] === 'w' ? 7 : 1) : NaN;
  if (!Number.isInteger(days) || days < 1 || days > MAX_TOKEN_DAYS) {
    throw new VigilError('cli.token.expires', `invalid --expires '${text.slice(0, 40)}': use 1d to ${MAX_TOKEN_DAYS}d (or weeks, 2w)`, { field: 'expires' });
  }
  return days;
}

function existing(dataDir: string): string {
  const dir = resolve(dataDir);
  if (!existsSync(dir)) throw new VigilError('cli.token.data', `no data folder at ${dir}`, { file: dir });
  return dir;
}

function when(ms: number | undefined): string {
  return ms === undefined ? '-' : new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

function table(tokens: TokenView[], now: number): string {
  const rows = [['ID', 'NAME', 'ROLE', 'KIND', 'PROFILE', 'CREATED', 'EXPIRES']];
  for (const t of tokens) {
    const expired = t.expires !== undefined && t.expires <= now;
    rows.push([t.id, t.name, t.role, t.kind, t.profile ?? '-', when(t.created), expired ? `${when(t.expires)} (expired)` : when(t.expires)]);
  }
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  return rows.map((r) => r.map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i]!))).join('  ')).join('\n');
}

export function registerTokenCommands(program: Command): void {
  const token = program.command('token').description('manage API and ingest tokens of a data folder (a token is shown once, at creation)');

  token
    .command('create')
    .description('create a token and print it once on stdout (details go to stderr)')
    .requiredOption('--name <name>', 'what the token is for (e.g. the shipper)')
    .requiredOption('--role <role>', `${ROLES.join(', ')} (ingest may only send events)`)
    .option('--profile <profile>', 'ingest tokens: source profile forced on the events they send')
    .option('--expires <days>', `lifetime: 30d, 2w, ... up to ${MAX_TOKEN_DAYS}d (default ${DEFAULT_TOKEN_DAYS}d)`)
    .option('--data <dir>', DATA_HELP, './data')
    .action((opts: { name: string; role: string; profile?: string; expires?: string; data: string }) => {
      if (opts.profile !== undefined) getProfile(opts.profile);
      const input: Parameters<typeof createTokenOffline>[1] = { name: opts.name, role: opts.role };
      if (opts.expires !== undefined) input.expiresInDays = expiryDays(opts.expires);
      if (opts.profile !== undefined) input.profile = opts.profile;
      const { token: text, view } = createTokenOffline(opts.data, input);
      const details = [`role ${view.role}`, `kind ${view.kind}`];
      if (view.profile) details.push(`profile ${view.profile}`);
      details.push(`expires ${when(view.expires)}`);
      process.stderr.write(`vigil: created token '${view.name}' (id ${view.id}, ${details.join(', ')}); it is shown once, store it now\n`);
      process.stdout.write(`${text}\n`);
    });

  token
    .command('list')
    .description('list tokens (id, name, role, kind, profile, dates; never the values)')
    .option('--data <dir>', DATA_HELP, './data')
    .option('--json', 'print JSON')
    .action((opts: { data: string; json?: boolean }) => {
      const tokens = listTokensOffline(existing(opts.data));
      process.stdout.write(opts.json ? `${JSON.stringify(tokens, null, 2)}\n` : `${table(tokens, Date.now())}\n`);
    });

  token
    .command('revoke')
    .description('revoke a token by its id (from `vigil token list`)')
    .argument('<id>', 'token id (12 hex digits)')
    .option('--data <dir>', DATA_HELP, './data')
    .action((id: string, opts: { data: string }) => {
      revokeTokenOffline(existing(opts.data), id.trim().toLowerCase());
      process.stderr.write(`vigil: revoked token ${id}\n`);
    });
}
