import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openSqliteStores } from '../storage/sqlite/index.js';
import { startVigil } from './start.js';

const DAY = 86_400_000;

test('vigil serve applies retention at start: partitions older than maxAgeDays go, today stays', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'vigil-retention-'));
  try {
    const data = join(dir, 'data');
    const seed = openSqliteStores(data);
    const event = (m: string) => ({ core: { message: m }, logsource: { product: 'generic' }, original: { message: m }, profile: 'generic' });
    seed.events.append([event('five days old')], Date.now() - 5 * DAY);
    seed.events.append([event('fresh')], Date.now());
    seed.close();
    const lines: string[] = [];
    const vigil = await startVigil({
      dataDir: data, port: 0, rules: [join(dir, 'no-rules')], env: { VIGIL_ADMIN_TOKEN: 'retention-token-0123456789' },
      log: (l) => lines.push(l), print: () => {}, retention: { maxAgeDays: 2, checkEveryMs: 60_000 },
    });
    try {
      assert.ok(lines.some((l) => /retention dropped \d{4}-\d{2}-\d{2} \(1 events, by age\)/.test(l)), lines.join('\n'));
      const days = vigil.stores.events.partitions();
      assert.equal(days.length, 1);
      assert.equal(days[0]?.rows, 1);
    } finally {
      await vigil.close();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
