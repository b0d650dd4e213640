/** Signature, backoff and config: the small pieces the flows rely on. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { VigilError } from '../../core/errors.js';
import { backoffDelay, DEFAULT_RETRY, parseRetryAfter } from './backoff.js';
import { resolveTicketingConfig } from './config.js';
import { signHeaders, verifySignature } from './signature.js';

test('signature: HMAC-SHA256 over "<timestamp>.<body>", checked with tolerance, tamper and format errors', () => {
  const now = 1_700_000_000_000;
  const body = '{"a":1}';
  const h = signHeaders('s3cret-key-0123456789', body, now);
  assert.equal(h['X-Vigil-Timestamp'], '1700000000');
  const independent = createHmac('sha256', 's3cret-key-0123456789').update(`1700000000.${body}`).digest('hex');
  assert.equal(h['X-Vigil-Signature'], `sha256=${independent}`);
  const ok = (b: string, ts: string, sig: string, at = now) => verifySignature('s3cret-key-0123456789', b, ts, sig, at);
  assert.deepEqual(ok(body, h['X-Vigil-Timestamp'], h['X-Vigil-Signature']), { ok: true });
  assert.deepEqual(ok(body, h['X-Vigil-Timestamp'], h['X-Vigil-Signature'].toUpperCase().replace('SHA256', 'sha256')), { ok: true });
  assert.equal(ok('{"a":2}', h['X-Vigil-Timestamp'], h['X-Vigil-Signature']).ok, false);
  assert.equal(ok(body, '1700000001', h['X-Vigil-Signature']).ok, false, 'the timestamp is signed');
  assert.equal(ok(body, h['X-Vigil-Timestamp'], h['X-Vigil-Signature'], now + 301_000).ok, false);
  assert.equal(ok(body, h['X-Vigil-Timestamp'], h['X-Vigil-Signature'], now + 299_000).ok, true);
  assert.equal(ok(body, 'yesterday', h['X-Vigil-Signature']).ok, false);
  assert.equal(ok(body, h['X-Vigil-Timestamp'], 'sha1=abc').ok, false);
  const miss = verifySignature('k', body, undefined, undefined);
  assert.ok(!miss.ok && /missing/.test(miss.reason));
});

test('backoff: doubles per attempt within [step/2, step], capped; Retry-After as seconds or a date', () => {
  const p = { ...DEFAULT_RETRY, baseDelayMs: 100, maxDelayMs: 1000 };
  assert.deepEqual([1, 2, 3, 4, 5, 40].map((n) => backoffDelay(p, n, () => 0)), [50, 100, 200, 400, 500, 500]);
  assert.deepEqual([1, 2, 3, 4, 5].map((n) => backoffDelay(p, n, () => 1)), [100, 200, 400, 800, 1000]);
  assert.equal(parseRetryAfter('7'), 7000);
  assert.equal(parseRetryAfter(new Date(10_000).toUTCString(), 4_000), 6000);
  assert.equal(parseRetryAfter('soon'), undefined);
  assert.equal(parseRetryAfter(null), undefined);
});

test('config: secrets from the environment, defaults filled, errors name the field and never the value', () => {
  const env = { HOOK: 'hook-secret-0123456789abc', JIRA: 'jira-token-xyz' };
  const r = resolveTicketingConfig({
    targets: [
      { name: 'hook', kind: 'webhook', url: 'https://hooks.example/vigil', secretEnv: 'HOOK' },
      { name: 'jira', kind: 'jira', url: 'https://x.atlassian.net', project: 'SEC', auth: { type: 'basic', user: 'soc@example.com', passwordEnv: 'JIRA' }, statusIn: { Done: 'closed' } },
      { name: 'snow', kind: 'servicenow', url: 'https://x.service-now.com', auth: { type: 'bearer', token: 'inline-token' } },
    ],
    retry: { maxAttempts: 5, baseDelay: '2s' },
  }, env);
  assert.deepEqual(r.retry, { maxAttempts: 5, baseDelayMs: 2000, maxDelayMs: 300_000, maxRetryAfterMs: 3_600_000, timeoutMs: 10_000 });
  const [hook, jira, snow] = r.targets;
  assert.equal(hook!.kind === 'webhook' && hook.secret, env.HOOK);
  assert.equal(hook!.inboundSecret, env.HOOK, 'a webhook target accepts status signed with its own secret');
  assert.deepEqual(jira!.kind === 'jira' && jira.auth, { type: 'basic', user: 'soc@example.com', secret: env.JIRA });
  assert.equal(jira!.kind === 'jira' && jira.issueType, 'Task');
  assert.deepEqual(jira!.statusIn, { done: 'closed' });
  assert.equal(jira!.inboundSecret, undefined);
  assert.equal(snow!.statusIn['7'], 'closed');

  const fails = (raw: unknown, pattern: RegExp, e: Record<string, string> = env) => {
    assert.throws(() => resolveTicketingConfig(raw, e, 'vigil.yaml'), (err: unknown) => {
      assert.ok(err instanceof VigilError);
      assert.match(err.message, pattern);
      for (const v of Object.values(env)) assert.ok(!err.message.includes(v));
      return true;
    });
  };
  fails({ targets: [{ name: 'hook', kind: 'webhook', url: 'https://h', secretEnv: 'MISSING' }] }, /^vigil\.yaml: ticketing\.targets\.0\.secretEnv: environment variable MISSING is not set$/);
  fails({ targets: [{ name: 'hook', kind: 'webhook', url: 'https://h' }] }, /ticketing\.targets\.0\.secret: secret or secretEnv is required/);
  fails({ targets: [{ name: 'hook', kind: 'webhook', url: 'https://h', secretEnv: 'HOOK', extra: 1 }] }, /ticketing\.targets\.0: Unrecognized key/);
  fails({ targets: [{ name: 'j', kind: 'jira', url: 'https://user:pw@h', project: 'X', auth: { type: 'bearer', tokenEnv: 'JIRA' } }] }, /targets\.0\.url: an http\(s\) URL without credentials/);
  fails({ targets: [{ name: 'x', kind: 'zendesk', url: 'https://h' }] }, /targets\.0\.kind: Invalid discriminator value\. Expected 'webhook' \| 'jira' \| 'servicenow'/);
  fails({ targets: [
    { name: 'a', kind: 'webhook', url: 'https://h', secretEnv: 'HOOK' }, { name: 'a', kind: 'webhook', url: 'https://h', secretEnv: 'HOOK' },
  ] }, /targets\.1\.name: duplicate target name 'a'/);
  fails({ targets: [{ name: 'a', kind: 'webhook', url: 'https://h', secretEnv: 'JIRA' }] }, /at least 16 characters/);
  fails({ retry: { baseDelay: 'soon' } }, /ticketing\.retry\.baseDelay: a duration/);
});
