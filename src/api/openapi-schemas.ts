/**
 * Schemas for routes whose modules do not carry their own `schema` (ingest, search, events, alerts,
 * cases): keyed by `METHOD path`. A route's own `schema` wins over this table.
 */
import { CASE_STATUSES, PAPS, SEVERITIES, TLPS } from '../cases/types.js';
import { ALERT_STATUSES } from '../storage/ports.js';
import type { JsonSchema, RouteSchema } from './router.js';

const int = { type: 'integer' };
const str = { type: 'string' };
const nstr = { type: ['string', 'null'] };
const PAGING = { limit: { type: 'integer', minimum: 0, maximum: 500, description: 'default 50' }, offset: { type: 'integer', minimum: 0 } };
const TIME = { oneOf: [str, int], description: 'ISO 8601, relative (-24h, now) or epoch ms' };

const INGEST_RESULT: JsonSchema = {
  type: 'object',
  properties: {
    accepted: int, rejected: int,
    errors: { type: 'array', items: { type: 'object', properties: { line: int, code: str, message: str } } },
  },
};

export const ALERT: JsonSchema = {
  type: 'object',
  properties: {
    id: int, ruleId: str, title: str, level: nstr, tags: { type: 'array', items: str }, author: nstr,
    eventId: int, lastEventId: int, eventIds: { type: 'array', items: int }, hostName: nstr, userName: nstr,
    fields: { type: 'array', items: { type: 'object', properties: { field: str, value: str } } },
    kind: { enum: ['match', 'correlation'] }, groupKey: nstr, group: { type: ['object', 'null'] },
    status: { enum: [...ALERT_STATUSES] }, count: int, firstSeen: int, lastSeen: int,
  },
  required: ['id', 'ruleId', 'title', 'status', 'count'],
};

const EVENT: JsonSchema = {
  type: 'object',
  properties: { id: int, ts: int, ingested: int, core: { type: 'object', description: 'ECS core fields' }, logsource: { type: 'object' }, profile: str, original: { type: 'object' } },
};

const CASE: JsonSchema = {
  type: 'object',
  properties: {
    id: int, title: str, description: str, severity: { enum: [...SEVERITIES] }, tlp: { enum: [...TLPS] }, pap: { enum: [...PAPS] },
    status: { enum: [...CASE_STATUSES] }, owner: nstr, tags: { type: 'array', items: str }, template: nstr,
    createdBy: str, created: int, updated: int, closed: { type: ['integer', 'null'] }, rca: { type: ['object', 'null'] }, pir: { type: ['object', 'null'] },
  },
};

const CASE_INPUT: JsonSchema = {
  type: 'object',
  properties: {
    title: str, description: str, severity: { enum: [...SEVERITIES] }, tlp: { enum: [...TLPS] }, pap: { enum: [...PAPS] },
    owner: nstr, tags: { type: 'array', items: str }, template: { type: 'string', description: 'case template name' },
    alertIds: { type: 'array', items: int, description: 'alerts promoted into the case' },
    observables: { type: 'array', items: { type: 'object', properties: { type: str, value: str } } },
    tasks: { type: 'array', items: { type: 'object' } },
  },
};

export const KNOWN_SCHEMAS: Readonly<Record<string, RouteSchema>> = {
  'POST /api/v1/events': {
    body: { description: 'NDJSON (one JSON object a line) or a JSON array of objects', type: ['object', 'array'] },
    response: INGEST_RESULT,
  },
  'POST /_bulk': { body: { description: 'Elasticsearch _bulk NDJSON (action line + source line)' }, response: { type: 'object', properties: { took: int, errors: { type: 'boolean' }, items: { type: 'array' } } } },
  'POST /:index/_bulk': { body: { description: 'Elasticsearch _bulk NDJSON (action line + source line)' }, response: { type: 'object', properties: { took: int, errors: { type: 'boolean' }, items: { type: 'array' } } } },
  'GET /api/v1/events/:id': { params: { id: int }, response: EVENT },
  'POST /api/v1/search': {
    body: {
      type: 'object', required: ['query'],
      properties: { query: { type: 'string', description: 'hunt query, e.g. host.name:web* and event.code:4625 | stats count() by user.name' }, from: TIME, to: TIME, limit: { type: 'integer', minimum: 1 } },
    },
    response: {
      type: 'object',
      properties: {
        range: { type: 'object', properties: { from: int, to: int } }, kind: { enum: ['events', 'rows'] },
        events: { type: 'array', items: EVENT }, columns: { type: 'array', items: str }, rows: { type: 'array', items: { type: 'object' } },
      },
    },
  },
  'GET /api/v1/alerts': {
    query: { status: { enum: [...ALERT_STATUSES] }, ...PAGING },
    response: { type: 'object', properties: { total: int, limit: int, offset: int, alerts: { type: 'array', items: ALERT } } },
  },
  'GET /api/v1/alerts/:id': { params: { id: int }, response: ALERT },
  'PATCH /api/v1/alerts/:id': { params: { id: int }, body: { type: 'object', properties: { status: { enum: [...ALERT_STATUSES] } }, required: ['status'] }, response: ALERT },
  'GET /api/v1/cases': {
    query: { status: { type: 'string', description: `comma list of ${CASE_STATUSES.join(', ')}` }, severity: { enum: [...SEVERITIES] }, owner: str, tag: str, q: str, ...PAGING },
    response: { type: 'object', properties: { total: int, limit: int, offset: int, cases: { type: 'array', items: CASE } } },
  },
  'POST /api/v1/cases': { body: { ...CASE_INPUT, required: ['title'] }, response: CASE, status: 201 },
  'GET /api/v1/cases/:id': { params: { id: int }, response: { ...CASE, description: 'the case with tasks, observables, alerts and comments' } },
  'PATCH /api/v1/cases/:id': { params: { id: int }, body: CASE_INPUT, response: CASE },
  'GET /api/v1/cases/:id/report': { params: { id: int }, response: { type: 'string' }, responseType: 'text/markdown' },
  'POST /api/v1/cases/:id/comments': { params: { id: int }, body: { type: 'object', properties: { body: { type: 'string', description: 'Markdown' } }, required: ['body'] } },
  'POST /api/v1/cases/:id/alerts': { params: { id: int }, body: { type: 'object', properties: { alertIds: { type: 'array', items: int } }, required: ['alertIds'] } },
};
