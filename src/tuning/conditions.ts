/**
 * Rule exception conditions: validated from untrusted JSON, compiled once. Text ops are
 * case-insensitive (as Sigma's are); `regex` is RE2 (linear time, re2js); `cidr` takes IPv4 or IPv6
 * networks. An exception matches an event when every condition holds for some value of its field.
 */
import { RE2JS } from 're2js';
import { VigilError } from '../core/errors.js';
import { isValidFieldName } from '../query/fieldname.js';
import { ipInCidr, parseCidr } from '../sigma/model/cidr.js';
import { fieldValues, type TunableEvent } from './event-fields.js';
import { CONDITION_OPS, type ConditionOp, type ExceptionCondition } from './types.js';

export const MAX_CONDITIONS = 20;
export const MAX_CONDITION_VALUE = 1024;
/** Field values longer than this are tested on their first MAX_TESTED_LENGTH characters only (bounded time). */
export const MAX_TESTED_LENGTH = 64 * 1024;

export type EventTest = (event: TunableEvent) => boolean;

function invalid(message: string, field: string): VigilError {
  return new VigilError('tuning.invalid', message, { field });
}

/** Checks untrusted input; the error names the condition (`conditions[2].op`). */
export function parseConditions(input: unknown): ExceptionCondition[] {
  if (!Array.isArray(input) || input.length === 0) throw invalid("'conditions' must be a non-empty array", 'conditions');
  if (input.length > MAX_CONDITIONS) throw invalid(`at most ${MAX_CONDITIONS} conditions`, 'conditions');
  return input.map((c: unknown, i) => {
    const where = `conditions[${i}]`;
    if (!c || typeof c !== 'object' || Array.isArray(c)) throw invalid(`${where} must be an object {field, op, value}`, where);
    const { field, op, value } = c as Record<string, unknown>;
    if (typeof field !== 'string' || !isValidFieldName(field)) throw invalid(`${where}.field must be a dotted field name`, `${where}.field`);
    if (typeof op !== 'string' || !(CONDITION_OPS as readonly string[]).includes(op)) {
      throw invalid(`${where}.op must be one of ${CONDITION_OPS.join(', ')}`, `${where}.op`);
    }
    if (typeof value !== 'string' || value.length === 0 || value.length > MAX_CONDITION_VALUE) {
      throw invalid(`${where}.value must be a string of 1 to ${MAX_CONDITION_VALUE} characters`, `${where}.value`);
    }
    const cond: ExceptionCondition = { field, op: op as ConditionOp, value };
    compileCondition(cond, where);
    return cond;
  });
}

export function compileConditions(conditions: readonly ExceptionCondition[]): EventTest {
  const tests = conditions.map((c, i) => compileCondition(c, `conditions[${i}]`));
  return (ev) => tests.every((t) => t(ev));
}

function compileCondition(c: ExceptionCondition, where: string): EventTest {
  const test = valueTest(c, where);
  return (ev) => fieldValues(ev, c.field).some((v) => test(v.length > MAX_TESTED_LENGTH ? v.slice(0, MAX_TESTED_LENGTH) : v));
}

function valueTest(c: ExceptionCondition, where: string): (v: string) => boolean {
  const want = c.value.toLowerCase();
  switch (c.op) {
    case 'equals': return (v) => v.toLowerCase() === want;
    case 'contains': return (v) => v.toLowerCase().includes(want);
    case 'startswith': return (v) => v.toLowerCase().startsWith(want);
    case 'endswith': return (v) => v.toLowerCase().endsWith(want);
    case 'regex': {
      let re: RE2JS;
      try {
        re = RE2JS.compile(c.value);
      } catch (err) {
        throw invalid(`${where}.value is not a valid RE2 regular expression: ${(err as Error).message}`, `${where}.value`);
      }
      return (v) => re.matcher(v).find();
    }
    case 'cidr': {
      const net = parseCidr(c.value);
      if (!net) throw invalid(`${where}.value must be an IP network like 10.0.0.0/8`, `${where}.value`);
      return (v) => ipInCidr(v, net);
    }
  }
}
