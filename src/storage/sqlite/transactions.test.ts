import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { DB_FILE, openSqliteStores } from './index.js';

test('a read-then-write transaction holds the write lock from its start: another connection cannot commit in between', () => {
  const dir = mkdtempSync(join(tmpdir(), 'vigil-tx-'));
  const stores = openSqliteStores(dir);
  const other = new Database(join(dir, DB_FILE));
  other.pragma('busy_timeout = 0');
  try {
    let otherWrite: unknown = 'not tried';
    stores.transaction(() => {
      stores.alerts.list();
      try {
        other.prepare("INSERT INTO counters (name, value) VALUES ('probe', 1)").run();
        otherWrite = 'committed';
      } catch (err) {
        otherWrite = (err as { code?: string }).code;
      }
      // With a deferred BEGIN the other commit lands first and this write fails with SQLITE_BUSY_SNAPSHOT.
      stores.alerts.insert({
        ruleId: 'r', title: 't', level: 'low', tags: [], author: null, eventId: 1, hostName: 'h', userName: null, fields: [], at: 1,
      });
    });
    assert.equal(otherWrite, 'SQLITE_BUSY', 'the other connection waited for the lock');
    assert.equal(stores.alerts.list().total, 1);
  } finally {
    other.close();
    stores.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
