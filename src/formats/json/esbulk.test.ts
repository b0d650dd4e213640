import { test } from 'node:test';
import assert from 'node:assert/strict';
import { VigilError } from '../../core/errors.js';
import { parseBulk, type BulkItem } from './esbulk.js';
import { acceptedResult, buildBulkResponse, bulkErrorResponse, parseErrorResult, rejectedResult } from './esbulk-response.js';

// The shape Filebeat sends: create actions with data-stream names, one source line each.
const filebeatBody = [
  '{"create":{"_index":"filebeat-8.11.0"}}',
  '{"@timestamp":"2024-01-01T00:00:00.000Z","message":"one"}',
  '{"index":{"_index":"logs","_id":"abc"}}',
  '{"message":"two"}',
  '{"update":{"_id":"abc","_index":"logs","retry_on_conflict":3}}',
  '{"doc":{"tag":"x"}}',
  '{"delete":{"_index":"logs","_id":"gone"}}',
  '',
].join('\n');

test('parses index/create/update/delete with metadata and line numbers', () => {
  const items = parseBulk(filebeatBody);
  assert.deepEqual(items.map((i) => [i.action, i.index, i.id, i.line]), [
    ['create', 'filebeat-8.11.0', undefined, 1],
    ['index', 'logs', 'abc', 3],
    ['update', 'logs', 'abc', 5],
    ['delete', 'logs', 'gone', 7],
  ]);
  assert.deepEqual(items[0].source, { '@timestamp': '2024-01-01T00:00:00.000Z', message: 'one' });
  assert.deepEqual(items[2].source, { doc: { tag: 'x' } });
  assert.deepEqual(items[2].meta, { retry_on_conflict: 3 });
  assert.equal(items[3].source, undefined);
});

test('index from the URL path, CRLF lines, no final newline', () => {
  const items = parseBulk('{"index":{}}\r\n{"a":1}', { defaultIndex: 'from-path' });
  assert.equal(items[0].index, 'from-path');
  assert.deepEqual(items[0].source, { a: 1 });
});

test('a bad document fails only its item', () => {
  const items = parseBulk('{"index":{"_index":"x"}}\n{"a":\n{"index":{"_index":"x"}}\n[1]\n{"index":{"_index":"x"}}\n{"ok":true}\n');
  assert.equal(items[0].error?.type, 'document_parsing_exception');
  assert.equal(items[0].error?.status, 400);
  assert.match(items[1].error?.reason ?? '', /expected an object/);
  assert.equal(items[2].error, undefined);
});

test('request-level errors: VigilError with line and the ES error body', () => {
  const cases: Array<[string, string, string]> = [
    ['', 'ES_BULK_EMPTY', 'action_request_validation_exception'],
    ['{"index":{"_index":"x"}}\n{}\n{"upsert":{}}\n{}\n', 'ES_BULK_BAD_ACTION', 'illegal_argument_exception'],
    ['{"index":\n', 'ES_BULK_BAD_ACTION_JSON', 'x_content_parse_exception'],
    ['{"index":{}}\n{}\n', 'ES_BULK_NO_INDEX', 'action_request_validation_exception'],
    ['{"delete":{"_index":"x"}}\n', 'ES_BULK_NO_ID', 'action_request_validation_exception'],
    ['{"index":{"_index":"x"}}\n', 'ES_BULK_MISSING_SOURCE', 'illegal_argument_exception'],
  ];
  for (const [body, code, esType] of cases) {
    assert.throws(() => parseBulk(body), (err: unknown) => {
      assert.ok(err instanceof VigilError);
      assert.equal(err.code, code, body);
      assert.ok(typeof err.location.line === 'number');
      const res = bulkErrorResponse(err);
      assert.equal(res.status, 400);
      assert.equal(res.error.type, esType);
      assert.deepEqual(res.error.root_cause, [{ type: esType, reason: err.message }]);
      return true;
    });
  }
  assert.throws(() => parseBulk('{"index":{"_index":"x"}}\n{}\n'.repeat(3), { maxItems: 2 }), /more than 2 operations/);
});

test('bulk response has the exact Elasticsearch shape', () => {
  const items = parseBulk(filebeatBody);
  const bad = parseBulk('{"index":{"_index":"x","_id":"9"}}\n{"a":\n')[0] as BulkItem & { error: NonNullable<BulkItem['error']> };
  const results = [
    acceptedResult(items[0], 'gen-1'),
    acceptedResult(items[1], 'abc'),
    rejectedResult(items[2], 'abc', 429, 'es_rejected_execution_exception', 'queue full'),
    { ...acceptedResult(items[3], 'gone'), status: 404, result: 'not_found' as const },
    parseErrorResult(bad, '9'),
  ];
  const response = buildBulkResponse(results, 12.4);
  assert.deepEqual(JSON.parse(JSON.stringify(response)), {
    took: 12,
    errors: true,
    items: [
      { create: { _index: 'filebeat-8.11.0', _id: 'gen-1', _version: 1, result: 'created', _shards: { total: 1, successful: 1, failed: 0 }, _seq_no: 0, _primary_term: 1, status: 201 } },
      { index: { _index: 'logs', _id: 'abc', _version: 1, result: 'created', _shards: { total: 1, successful: 1, failed: 0 }, _seq_no: 1, _primary_term: 1, status: 201 } },
      { update: { _index: 'logs', _id: 'abc', status: 429, error: { type: 'es_rejected_execution_exception', reason: 'queue full', index: 'logs' } } },
      { delete: { _index: 'logs', _id: 'gone', _version: 1, result: 'not_found', _shards: { total: 1, successful: 1, failed: 0 }, _seq_no: 3, _primary_term: 1, status: 404 } },
      { index: { _index: 'x', _id: '9', status: 400, error: { type: 'document_parsing_exception', reason: bad.error.reason, index: 'x' } } },
    ],
  });
  assert.equal(buildBulkResponse([acceptedResult(items[0], 'a')], 1).errors, false);
  // Fluent Bit and rsyslog look for this literal text.
  assert.ok(JSON.stringify(response).includes('"errors":true'));
});
