import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startVigil } from '../../app/start.js';

const ROOT = fileURLToPath(new URL('../../../../', import.meta.url));
const BIN = join(ROOT, 'bin/vigil.js');
const vigil = (...args: string[]) => spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8', cwd: ROOT });

test('vigil token create/list/revoke on a data folder, seen at once by a running server', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'vigil-token-'));
  const data = join(dir, 'data');
  const server = await startVigil({ dataDir: data, port: 0, rules: [join(dir, 'none')], env: { VIGIL_ADMIN_TOKEN: 'cli-test-admin-0123456789' }, log: () => {}, print: () => {} });
  try {
    const created = vigil('token', 'create', '--name', 'fw shipper', '--role', 'ingest', '--profile', 'suricata', '--expires', '30d', '--data', data);
    assert.equal(created.status, 0, created.stderr);
    const token = created.stdout.trim();
    assert.match(token, /^vgl_[A-Za-z0-9_-]{43}$/, 'stdout holds the token and nothing else');
    const id = /id ([0-9a-f]{12})/.exec(created.stderr)?.[1];
    assert.ok(id, created.stderr);
    assert.match(created.stderr, /kind ingest, profile suricata, expires \d{4}-/);

    const hec = await fetch(`${server.url}/services/collector/event`, { method: 'POST', headers: { authorization: `Splunk ${token}` }, body: '{"event":{"msg":"hi"}}' });
    assert.deepEqual(await hec.json(), { text: 'Success', code: 0 });

    const list = vigil('token', 'list', '--data', data);
    assert.equal(list.status, 0, list.stderr);
    assert.match(list.stdout, /^ID\s+NAME\s+ROLE\s+KIND\s+PROFILE\s+CREATED\s+EXPIRES/);
    assert.match(list.stdout, new RegExp(`${id}\\s+fw shipper\\s+ingest\\s+ingest\\s+suricata`));
    const json = vigil('token', 'list', '--json', '--data', data);
    assert.ok(!json.stdout.includes(token));
    assert.deepEqual((JSON.parse(json.stdout) as Array<{ name: string }>).map((t) => t.name), ['admin', 'fw shipper']);

    assert.equal(vigil('token', 'revoke', id!, '--data', data).status, 0);
    const refused = await fetch(`${server.url}/services/collector/event`, { method: 'POST', headers: { authorization: `Splunk ${token}` }, body: '{"event":"x"}' });
    assert.equal(refused.status, 403);
    const again = vigil('token', 'revoke', id!, '--data', data);
    assert.equal(again.status, 1);
    assert.match(again.stderr, /token not found/);
  } finally {
    await server.close();
  }
  const bad = vigil('token', 'create', '--name', 'x', '--role', 'root', '--data', data);
  assert.equal(bad.status, 1);
  assert.match(bad.stderr, /'role' is not a known role/);
  const badProfile = vigil('token', 'create', '--name', 'x', '--role', 'ingest', '--profile', 'nope', '--data', data);
  assert.equal(badProfile.status, 1);
  assert.match(badProfile.stderr, /unknown source profile "nope"; known profiles: auditd, cloudtrail/);
  const badExpiry = vigil('token', 'create', '--name', 'x', '--role', 'ingest', '--expires', '12h', '--data', data);
  assert.equal(badExpiry.status, 1);
  assert.match(badExpiry.stderr, /invalid --expires '12h'/);
  const missing = vigil('token', 'list', '--data', join(dir, 'nowhere'));
  assert.equal(missing.status, 1);
  assert.match(missing.stderr, /no data folder/);
  assert.equal(vigil('token', 'create', '--role', 'ingest', '--data', data).status, 2, 'a missing --name is a usage error');
  rmSync(dir, { recursive: true, force: true });
});
