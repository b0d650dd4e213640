import type { LogSource } from '../../core/event.js';
import type { LogsourceMapping, Pipeline } from '../pipeline/types.js';

const eq = (a: string | undefined, b: string | undefined) => (a ?? '').toLowerCase() === (b ?? '').toLowerCase();

export type RouteDecision =
  | { kind: 'mappings'; mappings: LogsourceMapping[] }
  | { kind: 'all' }
  | { kind: 'unrouted'; reason: string };

/** Decides which of a pipeline's logsource mappings a rule's logsource selects. */
export function routeLogsource(logsource: LogSource, pipeline: Pipeline): RouteDecision {
  if (!pipeline.routing) return { kind: 'all' };
  if (logsource.product && pipeline.product && !eq(logsource.product, pipeline.product)) {
    return { kind: 'unrouted', reason: `product '${logsource.product}' is not covered by pipeline '${pipeline.name}'` };
  }
  if (!logsource.category && !logsource.service) {
    if (logsource.product) return { kind: 'all' };
    return { kind: 'unrouted', reason: 'logsource names no product, category or service' };
  }
  const mappings = pipeline.logsources.filter(
    (m) =>
      (!logsource.category || eq(m.category, logsource.category)) &&
      (!logsource.service || eq(m.service, logsource.service)) &&
      (!m.product || !logsource.product || eq(m.product, logsource.product)),
  );
  if (mappings.length === 0) {
    const what = [logsource.category && `category '${logsource.category}'`, logsource.service && `service '${logsource.service}'`].filter(Boolean).join(' and ');
    return { kind: 'unrouted', reason: `pipeline '${pipeline.name}' has no mapping for ${what}` };
  }
  return { kind: 'mappings', mappings };
}

/** True when a rule's logsource does not contradict what the event says it is. */
export function logsourceCompatible(rule: LogSource, event: LogSource): boolean {
  for (const k of ['product', 'category', 'service'] as const) {
    if (rule[k] && event[k] && !eq(rule[k], event[k])) return false;
  }
  return true;
}
