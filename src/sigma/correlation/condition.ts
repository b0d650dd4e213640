import type { CountCondition } from '../model/types.js';

const OPS = ['gt', 'gte', 'lt', 'lte', 'eq', 'neq'] as const;

/** Every operator present must hold (a range is several keys ANDed). */
export function conditionHolds(c: CountCondition, v: number): boolean {
  if (c.gt !== undefined && !(v > c.gt)) return false;
  if (c.gte !== undefined && !(v >= c.gte)) return false;
  if (c.lt !== undefined && !(v < c.lt)) return false;
  if (c.lte !== undefined && !(v <= c.lte)) return false;
  if (c.eq !== undefined && !(v === c.eq)) return false;
  if (c.neq !== undefined && !(v !== c.neq)) return false;
  return true;
}

/**
 * A growing window can make lt/lte/eq/neq false again after they held (one more event breaks
 * `lt: 5`), so such conditions are only decided once the window has closed. gt/gte alone can be
 * decided the moment they hold.
 */
export function isDeferred(c: CountCondition): boolean {
  return c.lt !== undefined || c.lte !== undefined || c.eq !== undefined || c.neq !== undefined;
}

export function hasOperator(c: CountCondition | undefined): c is CountCondition {
  return !!c && OPS.some((op) => c[op] !== undefined);
}

export function describeCondition(c: CountCondition): string {
  return OPS.filter((op) => c[op] !== undefined)
    .map((op) => `${op} ${c[op]}`)
    .join(' and ');
}
