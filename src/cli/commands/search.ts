/**
 * `vigil search "QUERY"`: runs a hunt query on a running Vigil server (POST /api/v1/search) and prints
 * the events or the piped rows. A query error prints the query with a caret under the column.
 */
import type { Command } from 'commander';
import { VigilError } from '../../core/errors.js';
import { csvLine } from '../hunt/csv.js';
import { renderTable } from '../hunt/table.js';

export const DEFAULT_URL = 'http://127.0.0.1:8470';
const FORMATS = ['table', 'jsonl', 'csv'] as const;
type Format = (typeof FORMATS)[number];
const MAX_LIMIT = 10_000;
const EVENT_COLUMNS = ['@timestamp', 'id', 'host.name', 'user.name', 'event.code', 'summary'] as const;

interface SearchOptions {
  from: string;
  to: string;
  format: string;
  limit?: number;
  url: string;
  token?: string;
  timeout: number;
  data?: string;
}

interface SearchEvent {
  id: number;
  ts: number;
  core: Record<string, unknown>;
}

type SearchAnswer =
  | { kind: 'events'; events: SearchEvent[]; range: { from: number; to: number } }
  | { kind: 'rows'; columns: string[]; rows: Record<string, unknown>[]; range: { from: number; to: number } };

interface ApiError {
  code?: string;
  message?: string;
  column?: number;
  field?: string;
}

function positive(name: string, max: number) {
  return (text: string): number => {
    const n = Number(text);
    if (!/^\d{1,9}$/.test(text) || n < 1 || n > max) throw new VigilError('cli.search.option', `${name} must be an integer from 1 to ${max}`);
    return n;
  };
}

export function registerSearchCommands(program: Command): void {
  program
    .command('search')
    .description('hunt stored events on a running Vigil server with the query language (see src/query/README.md)')
    .argument('<query>', 'e.g. \'process.command_line:*mimikatz* and not user.name:SYSTEM | stats count() by host.name\'')
    .option('--from <time>', "start: relative (-24h, -15m, -7d), ISO 8601 or epoch ms", '-24h')
    .option('--to <time>', 'end (exclusive), same forms', 'now')
    .option('--format <format>', 'table, jsonl or csv', 'table')
    .option('--limit <n>', `at most this many events or rows (1..${MAX_LIMIT})`, positive('--limit', MAX_LIMIT))
    .option('--url <url>', 'Vigil server', DEFAULT_URL)
    .option('--data <dir>', 'search this data folder directly instead of a server (no token needed)')
    .option('--token <token>', 'API token (prefer the VIGIL_TOKEN environment variable: arguments show in ps)')
    .option('--timeout <seconds>', 'give up after this many seconds', positive('--timeout', 3600), 120)
    .action(async (query: string, opts: SearchOptions) => {
      process.exitCode = await search(query, opts);
    });
}

async function search(query: string, opts: SearchOptions): Promise<number> {
  const format = opts.format as Format;
  if (!FORMATS.includes(format)) throw new VigilError('cli.search.format', `unknown format '${opts.format}' (expected ${FORMATS.join(', ')})`);
  if (opts.data !== undefined) return searchData(query, opts, format);
  const token = opts.token ?? process.env['VIGIL_TOKEN'];
  if (!token) throw new VigilError('cli.search.token', 'no API token: set VIGIL_TOKEN (or pass --token)');
  let endpoint: URL;
  try {
    endpoint = new URL('/api/v1/search', opts.url);
  } catch {
    throw new VigilError('cli.search.url', `--url '${opts.url}' is not a URL`);
  }
  if (endpoint.protocol !== 'http:' && endpoint.protocol !== 'https:') throw new VigilError('cli.search.url', '--url must be http:// or https://');

  let response: Response;
  try {
    response = await fetch(endpoint, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ query, from: opts.from, to: opts.to, ...(opts.limit === undefined ? {} : { limit: opts.limit }) }),
      signal: AbortSignal.timeout(opts.timeout * 1000),
    });
  } catch (err) {
    const inner = (err as { cause?: { code?: string; message?: string } }).cause;
    const cause = (err as Error).name === 'TimeoutError' ? `no answer within ${opts.timeout} s` : inner?.code ?? inner?.message ?? (err as Error).message;
    throw new VigilError('cli.search.connect', `cannot reach Vigil at ${endpoint.origin}: ${cause}`);
  }
  const text = await response.text();
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    throw new VigilError('cli.search.response', `the server answered ${response.status} with a body that is not JSON`);
  }
  if (!response.ok) {
    process.stderr.write(describeFailure(response.status, (body as { error?: ApiError }).error ?? {}, query));
    return 1;
  }
  const answer = body as SearchAnswer;
  print(answer, format);
  return 0;
}

function print(answer: SearchAnswer, format: Format): void {
  process.stdout.write(render(answer, format));
  if (format === 'table') {
    const n = answer.kind === 'events' ? answer.events.length : answer.rows.length;
    process.stderr.write(`${n} ${answer.kind === 'events' ? 'events' : 'rows'} from ${iso(answer.range.from)} to ${iso(answer.range.to)}\n`);
  }
}

/** `--data DIR`: the same query on a data folder, read directly. */
async function searchData(query: string, opts: SearchOptions, format: Format): Promise<number> {
  const { searchOffline } = await import('../../app/admin.js');
  let answer: SearchAnswer;
  try {
    answer = searchOffline(opts.data!, query, { from: opts.from, to: opts.to, ...(opts.limit === undefined ? {} : { limit: opts.limit }) }) as SearchAnswer;
  } catch (err) {
    if (!(err instanceof VigilError)) throw err;
    const e: ApiError = { code: err.code, message: err.message };
    if (err.location.column !== undefined) e.column = err.location.column;
    process.stderr.write(describeFailure(400, e, query));
    return 1;
  }
  print(answer, format);
  return 0;
}

/** The error, and for a query error the query with a caret under the column. */
export function describeFailure(status: number, error: ApiError, query: string): string {
  const code = error.code ?? `http.${status}`;
  let message = error.message ?? `the server answered ${status}`;
  if (status === 401) message = 'the server did not accept the token (401); check VIGIL_TOKEN or --token';
  if (error.field === 'from' || error.field === 'to') message = `--${error.field}: ${message}`;
  let out = `vigil: ${code}: ${message}\n`;
  if (error.column !== undefined && code.startsWith('query.')) out += caret(query, error.column);
  return out;
}

/** Two lines: the query (a window of it when long) and a caret under 1-based `column`. */
export function caret(query: string, column: number): string {
  // Tabs and newlines are one column each in the query; printed as spaces so the caret lines up.
  const flat = query.replace(/[\t\r\n]/g, ' ');
  const width = 100;
  let start = 0;
  if (flat.length > width) start = Math.max(0, Math.min(column - 1 - width / 2, flat.length - width));
  const prefix = start > 0 ? '…' : '';
  const shown = prefix + flat.slice(start, start + width) + (start + width < flat.length ? '…' : '');
  const pad = prefix.length + Math.max(0, column - 1 - start);
  return `  ${shown}\n  ${' '.repeat(pad)}^\n`;
}

function iso(ms: number): string {
  return Number.isFinite(ms) ? new Date(ms).toISOString() : String(ms);
}

function cell(column: string, value: unknown): string {
  if (value === undefined || value === null) return '';
  if (column === '@timestamp' && typeof value === 'number') return iso(value);
  return typeof value === 'object' ? JSON.stringify(value) : String(value);
}

function eventCells(e: SearchEvent): string[] {
  const c = e.core;
  const summary = c['message'] ?? c['process.command_line'] ?? '';
  return [iso(e.ts), String(e.id), cell('', c['host.name']), cell('', c['user.name']), cell('', c['event.code']), cell('', summary)];
}

export function render(answer: SearchAnswer, format: Format): string {
  if (format === 'jsonl') {
    const items: unknown[] = answer.kind === 'events' ? answer.events : answer.rows;
    return items.map((x) => JSON.stringify(x) + '\n').join('');
  }
  const header = answer.kind === 'events' ? [...EVENT_COLUMNS] : answer.columns;
  const rows = answer.kind === 'events'
    ? answer.events.map(eventCells)
    : answer.rows.map((r) => answer.columns.map((col) => cell(col, r[col])));
  if (format === 'csv') return csvLine(header) + rows.map((r) => csvLine(r)).join('');
  return renderTable(header, rows, { colour: !!process.stdout.isTTY });
}
