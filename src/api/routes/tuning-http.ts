/** Shared by the suppression and exception routes: tuning errors to HTTP statuses, JSON Schemas of the shapes. */
import { VigilError } from '../../core/errors.js';
import { CONDITION_OPS } from '../../tuning/types.js';
import { HttpError } from '../http.js';
import type { JsonSchema } from '../router.js';

/** Runs a tuning call, turning `tuning.not_found` into a 404 (other VigilErrors answer 400 with their field). */
export function tuningHttp<T>(fn: () => T): T {
  try {
    return fn();
  } catch (err) {
    if (err instanceof VigilError && err.code === 'tuning.not_found') throw new HttpError(404, 'api.not_found', err.message);
    throw err;
  }
}

const TIME: JsonSchema = { oneOf: [{ type: 'string', format: 'date-time' }, { type: 'integer', description: 'epoch milliseconds' }] };
const AUDITED = { owner: { type: 'string' }, reason: { type: 'string' }, createdBy: { type: 'string' }, created: { type: 'integer' }, updated: { type: 'integer' }, deleted: { type: ['integer', 'null'] }, hits: { type: 'integer', description: 'occurrences held back' } };

export const SUPPRESSION_INPUT: JsonSchema = {
  type: 'object', additionalProperties: false,
  description: 'At least one of ruleId, host, user, query; all that are given must match.',
  properties: {
    ruleId: { type: ['string', 'null'] }, host: { type: ['string', 'null'] }, user: { type: ['string', 'null'] },
    query: { type: ['string', 'null'], description: 'hunt query filter (no pipes) over the event\'s core and original fields' },
    start: { ...TIME, description: 'default: now' }, expires: TIME, owner: { type: 'string', description: 'default: the caller' }, reason: { type: 'string' },
  },
  required: ['expires', 'reason'],
};

export const SUPPRESSION: JsonSchema = {
  type: 'object',
  properties: {
    id: { type: 'integer' }, ruleId: { type: ['string', 'null'] }, host: { type: ['string', 'null'] }, user: { type: ['string', 'null'] },
    query: { type: ['string', 'null'] }, start: { type: 'integer' }, expires: { type: 'integer' }, ...AUDITED,
  },
  required: ['id', 'start', 'expires', 'owner', 'reason', 'hits'],
};

export const CONDITION: JsonSchema = {
  type: 'object', additionalProperties: false,
  properties: { field: { type: 'string', description: 'ECS core field or original field (dotted path)' }, op: { enum: [...CONDITION_OPS] }, value: { type: 'string', maxLength: 1024 } },
  required: ['field', 'op', 'value'],
};

export const EXCEPTION_INPUT: JsonSchema = {
  type: 'object', additionalProperties: false,
  properties: { conditions: { type: 'array', items: CONDITION, minItems: 1, maxItems: 20, description: 'all must hold (AND)' }, owner: { type: 'string' }, reason: { type: 'string' }, expires: TIME },
  required: ['conditions', 'reason', 'expires'],
};

export const EXCEPTION: JsonSchema = {
  type: 'object',
  properties: { id: { type: 'integer' }, ruleId: { type: 'string' }, conditions: { type: 'array', items: CONDITION }, expires: { type: 'integer' }, ...AUDITED },
  required: ['id', 'ruleId', 'conditions', 'expires', 'owner', 'reason', 'hits'],
};

export const HELD_ALERT: JsonSchema = {
  type: 'object',
  properties: {
    id: { type: 'integer' }, by: { enum: ['suppression', 'exception'] }, refId: { type: 'integer' }, ruleId: { type: 'string' }, title: { type: 'string' },
    level: { type: ['string', 'null'] }, kind: { enum: ['match', 'correlation'] }, hostName: { type: ['string', 'null'] }, userName: { type: ['string', 'null'] },
    eventIds: { type: 'array', items: { type: 'integer' } }, count: { type: 'integer' }, firstSeen: { type: 'integer' }, lastSeen: { type: 'integer' },
  },
};

export const PAGING = {
  limit: { type: 'integer', minimum: 0, maximum: 500, description: 'default 50' },
  offset: { type: 'integer', minimum: 0 },
};
