import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startVigil, type RunningVigil } from '../../app/start.js';
import { caret } from './search.js';

const ROOT = fileURLToPath(new URL('../../../../', import.meta.url));
const BIN = join(ROOT, 'bin/vigil.js');
const TOKEN = 'search-admin-token-0123456789';

let dir: string;
let vigil: RunningVigil;

/** Runs the real CLI in a child process (asynchronously: the server lives in this process). */
function cli(args: string[], env: Record<string, string | undefined> = { VIGIL_TOKEN: TOKEN }): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const childEnv = { ...process.env, VIGIL_TOKEN: undefined, NO_COLOR: '1', ...env };
    execFile(process.execPath, [BIN, 'search', '--url', vigil.url, ...args], { cwd: ROOT, env: childEnv }, (err, stdout, stderr) => {
      const code = err ? (typeof err.code === 'number' ? err.code : 1) : 0;
      resolve({ code, stdout, stderr });
    });
  });
}

function logon(host: string, user: string, minutesAgo: number, outcome: 'success' | 'failure'): Record<string, unknown> {
  return {
    '@timestamp': new Date(Date.now() - minutesAgo * 60_000).toISOString(),
    host: { name: host },
    user: { name: user },
    event: { code: outcome === 'success' ? '4624' : '4625', outcome },
    message: `An account ${outcome === 'success' ? 'was successfully logged on' : 'failed to log on'}: ${user}`,
  };
}

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'vigil-search-'));
  mkdirSync(join(dir, 'rules'));
  vigil = await startVigil({
    dataDir: join(dir, 'data'), port: 0, rules: [join(dir, 'rules')],
    env: { VIGIL_ADMIN_TOKEN: TOKEN }, log: () => {}, print: () => {},
  });
  const events = [
    logon('web-01', 'alice', 50, 'failure'),
    logon('web-01', 'alice', 40, 'failure'),
    logon('web-01', 'alice', 30, 'success'),
    logon('db-01', 'bob', 20, 'failure'),
    logon('db-01', 'SYSTEM', 10, 'success'),
    logon('old-01', 'carol', 3 * 24 * 60, 'failure'),
  ];
  const r = await fetch(`${vigil.url}/api/v1/events`, {
    method: 'POST', headers: { authorization: `Bearer ${TOKEN}` }, body: events.map((e) => JSON.stringify(e)).join('\n'),
  });
  assert.equal(r.status, 200);
  assert.equal(((await r.json()) as { accepted: number }).accepted, 6);
});

after(async () => {
  await vigil.close();
  rmSync(dir, { recursive: true, force: true });
});

test('vigil search prints matching events (jsonl, table, csv), newest first, in the time range', async () => {
  const jsonl = await cli(['event.code:4625 and not user.name:SYSTEM', '--format', 'jsonl']);
  assert.equal(jsonl.code, 0, jsonl.stderr);
  const events = jsonl.stdout.trim().split('\n').map((l) => JSON.parse(l) as { id: number; core: Record<string, string> });
  assert.deepEqual(events.map((e) => e.core['user.name']), ['bob', 'alice', 'alice']);

  const week = await cli(['event.code:4625', '--from', '-7d', '--format', 'jsonl']);
  assert.equal(week.stdout.trim().split('\n').length, 4);

  const table = await cli(['"failed to log on"', '--limit', '2']);
  assert.equal(table.code, 0, table.stderr);
  const lines = table.stdout.trimEnd().split('\n');
  assert.match(lines[0]!, /^@timestamp\s+id\s+host\.name\s+user\.name\s+event\.code\s+summary$/);
  assert.equal(lines.length, 4, table.stdout);
  assert.match(lines[2]!, /db-01\s+bob\s+4625\s+An account failed to log on: bob/);
  assert.match(table.stderr, /^2 events from \d{4}-/);

  const csv = await cli(['host.name:web-*', '--format', 'csv']);
  const rows = csv.stdout.split('\r\n').filter(Boolean);
  assert.equal(rows[0], '@timestamp,id,host.name,user.name,event.code,summary');
  assert.equal(rows.length, 4);
  assert.ok(!csv.stdout.includes(TOKEN) && !csv.stderr.includes(TOKEN));
});

test('vigil search prints piped rows: stats, sort, head, fields, timechart', async () => {
  const stats = await cli(['| stats count() by host.name | sort -count | head 20', '--format', 'jsonl']);
  assert.equal(stats.code, 0, stats.stderr);
  assert.deepEqual(stats.stdout.trim().split('\n').map((l) => JSON.parse(l)), [
    { 'host.name': 'web-01', count: 3 },
    { 'host.name': 'db-01', count: 2 },
  ]);
  const table = await cli(['event.code:4625 | stats count() as failures by user.name | sort -failures']);
  assert.equal(table.code, 0, table.stderr);
  assert.match(table.stdout, /^user\.name\s+failures\n-+\s+-+\nalice\s+2\nbob\s+1\n$/);
  const fields = await cli(['user.name:alice | fields host.name, event.code', '--format', 'csv']);
  assert.equal(fields.stdout, 'host.name,event.code\r\nweb-01,4624\r\nweb-01,4625\r\nweb-01,4625\r\n');
  const chart = await cli(['| timechart 1d count()', '--format', 'csv']);
  const chartRows = chart.stdout.split('\r\n').filter(Boolean);
  assert.equal(chartRows[0], '@timestamp,count');
  assert.match(chartRows[1]!, /^\d{4}-\d{2}-\d{2}T00:00:00\.000Z,\d$/);
});

test('a syntax error prints the query with a caret under the column and exits 1', async () => {
  const query = 'user.name:alice and | stats count()';
  const r = await cli([query]);
  assert.equal(r.code, 1);
  assert.equal(r.stdout, '');
  const lines = r.stderr.split('\n');
  assert.match(lines[0]!, /^vigil: query\.syntax: expected a search term after 'and', found '\|' at column 21$/);
  assert.equal(lines[1], `  ${query}`);
  assert.equal(lines[2], `  ${' '.repeat(20)}^`);

  const plan = await cli(['| stats count() by host.name | sort -user.name']);
  assert.match(plan.stderr, /^vigil: query\.plan: '-?user\.name' is not a column/);
  assert.equal(plan.stderr.split('\n')[2], `  ${' '.repeat(36)}^`);

  const time = await cli(['a:b', '--from', 'yesterday']);
  assert.equal(time.code, 1);
  assert.match(time.stderr, /^vigil: query\.time: --from: expected a time/);
});

test('POST /api/v1/search answers a query error as 400 {error: {code, message, column, token}}', async () => {
  const r = await fetch(`${vigil.url}/api/v1/search`, {
    method: 'POST', headers: { authorization: `Bearer ${TOKEN}` }, body: JSON.stringify({ query: 'user.name:alice | bogus 3' }),
  });
  assert.equal(r.status, 400);
  assert.deepEqual(await r.json(), {
    error: {
      code: 'query.syntax',
      message: "unknown pipe command 'bogus' (known: fields, head, sort, stats, timechart, where) at column 19",
      column: 19,
      token: 'bogus',
    },
  });
  const limited = await fetch(`${vigil.url}/api/v1/search`, {
    method: 'POST', headers: { authorization: `Bearer ${TOKEN}` }, body: JSON.stringify({ query: '* | head 100', limit: 2 }),
  });
  assert.equal(((await limited.json()) as { events: unknown[] }).events.length, 2);
});

test('a missing or wrong token, or no server, is a clear error and the token is never printed', async () => {
  const none = await cli(['*'], {});
  assert.equal(none.code, 1);
  assert.match(none.stderr, /no API token: set VIGIL_TOKEN \(or pass --token\)/);
  const wrong = await cli(['user.name:alice'], { VIGIL_TOKEN: 'not-the-token-xyz' });
  assert.equal(wrong.code, 1);
  assert.match(wrong.stderr, /did not accept the token \(401\)/);
  assert.ok(!wrong.stderr.includes('not-the-token-xyz'));
  const flag = await cli(['user.name:alice', '--token', TOKEN, '--format', 'jsonl'], {});
  assert.equal(flag.code, 0, flag.stderr);
  assert.equal(flag.stdout.trim().split('\n').length, 3);
  // A port that was just free: nothing listens there.
  const spare = createServer();
  await new Promise<void>((ok) => spare.listen(0, '127.0.0.1', ok));
  const closed = `http://127.0.0.1:${(spare.address() as AddressInfo).port}`;
  await new Promise((ok) => spare.close(ok));
  const down = await new Promise<{ code: number; stderr: string }>((resolve) => {
    execFile(process.execPath, [BIN, 'search', 'x', '--url', closed], { cwd: ROOT, env: { ...process.env, VIGIL_TOKEN: TOKEN } }, (err, _out, stderr) => {
      resolve({ code: err ? Number(err.code) : 0, stderr });
    });
  });
  assert.equal(down.code, 1);
  assert.equal(down.stderr, `vigil: cannot reach Vigil at ${closed}: ECONNREFUSED\n`);
  assert.ok(!down.stderr.includes(TOKEN));
});

test('caret windows a long query around the column', () => {
  assert.equal(caret('a\tb:', 4), '  a b:\n     ^\n');
  const long = `${'x'.repeat(300)} ???`;
  const [shown, mark] = caret(long, 302).split('\n');
  assert.ok(shown!.length < 110);
  assert.equal(shown![mark!.indexOf('^')], '?');
});

test('vigil search --data reads the data folder directly (no token), while the server runs, with the same answers', async () => {
  const query = 'event.code:4625 | stats count() by host.name | sort -count';
  const viaServer = await cli([query, '--format', 'jsonl']);
  const direct = await cli([query, '--format', 'jsonl', '--data', join(dir, 'data')], {});
  assert.equal(direct.code, 0, direct.stderr);
  assert.equal(direct.stdout, viaServer.stdout);
  assert.match(direct.stdout, /"host.name":"web-01","count":2/);
  const bad = await cli(['user.name:(alice', '--data', join(dir, 'data')], {});
  assert.equal(bad.code, 1);
  assert.match(bad.stderr, /\^/);
});
