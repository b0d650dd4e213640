import { test } from 'node:test';
import assert from 'node:assert/strict';
import { hashToken } from '../api/auth.js';
import { openSqliteStores } from '../storage/sqlite/index.js';
import { ensureAdminToken } from './start.js';

test('first start generates one token, stored only as a hash; later starts generate none', () => {
  const stores = openSqliteStores(':memory:');
  const token = ensureAdminToken(stores, {});
  assert.match(token ?? '', /^vgl_[A-Za-z0-9_-]{43}$/);
  assert.equal(stores.tokens.lookup(hashToken(token!))?.role, 'admin');
  assert.equal(ensureAdminToken(stores, {}), undefined);
  assert.equal(stores.tokens.count(), 1);
  stores.close();
});

test('VIGIL_ADMIN_TOKEN is used when set and never printed', () => {
  const stores = openSqliteStores(':memory:');
  assert.equal(ensureAdminToken(stores, { VIGIL_ADMIN_TOKEN: 'env-token-0123456789' }), undefined);
  assert.ok(stores.tokens.lookup(hashToken('env-token-0123456789')));
  assert.throws(() => ensureAdminToken(stores, { VIGIL_ADMIN_TOKEN: 'short' }), /16 characters/);
  stores.close();
});
