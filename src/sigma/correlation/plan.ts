import { VigilError } from '../../core/errors.js';
import type { AnyRule, CorrelationRule, CountCondition, SigmaRule } from '../model/types.js';
import { hasOperator, isDeferred } from './condition.js';

/** One rule a correlation references, with where its fields come from. */
export interface Target {
  rule: SigmaRule | CorrelationRule;
  /** Indices into the correlation's `rules` list that name this rule. */
  positions: number[];
  /** For each group-by entry: the field read from this rule's matches (aliases applied). */
  groupFields: string[];
  /** value_* types: the condition field(s) read from this rule's matches (aliases applied). */
  valueFields: string[];
}

export interface Consumer {
  corr: CompiledCorrelation;
  target: Target;
}

export interface CompiledCorrelation {
  rule: CorrelationRule;
  ruleId: string;
  targets: Target[];
  /** Correlations that reference this one and are fed its alerts. */
  consumers: Consumer[];
  correlationOnly: boolean;
  /** The condition as evaluated; temporal types without one require every listed rule. */
  condition: CountCondition;
  deferred: boolean;
}

export interface Plan {
  /** Runnable correlations, inner ones before the correlations they feed. */
  correlations: CompiledCorrelation[];
  /** `id:<id>` / `name:<name>` of a detection rule -> the correlations its matches feed. */
  byBaseRule: Map<string, Consumer[]>;
  errors: VigilError[];
}

type Referable = SigmaRule | CorrelationRule;

export const ruleKeys = (r: { id?: string; name?: string }): string[] => [
  ...(r.id ? [`id:${r.id}`] : []),
  ...(r.name ? [`name:${r.name}`] : []),
];

/**
 * Resolves references, aliases and chains. A correlation with any problem is left out (and the
 * problem reported) rather than run half-configured, which would silently change what it detects.
 */
export function buildPlan(rules: AnyRule[]): Plan {
  const errors: VigilError[] = [];
  const byId = new Map<string, AnyRule>();
  const byName = new Map<string, AnyRule[]>();
  for (const r of rules) {
    if (r.id && !byId.has(r.id)) byId.set(r.id, r);
    if (r.name) byName.set(r.name, [...(byName.get(r.name) ?? []), r]);
  }
  const correlations = rules.filter((r): r is CorrelationRule => r.type === 'correlation');
  const compiled = new Map<CorrelationRule, CompiledCorrelation>();
  const broken = new Set<CorrelationRule>();
  const fail = (rule: CorrelationRule, code: string, message: string, field: string) => {
    errors.push(new VigilError(code, `correlation '${rule.title}': ${message}`, { ...rule.location, field }));
    broken.add(rule);
  };

  for (const rule of correlations) {
    const targets = new Map<Referable, Target>();
    rule.rules.forEach((ref, i) => {
      const named = byName.get(ref) ?? [];
      const found = byId.get(ref) ?? (named.length === 1 ? named[0] : undefined);
      if (!found && named.length > 1) {
        fail(rule, 'sigma.correlation.ambiguous_rule', `rule name '${ref}' is used by ${named.length} rules`, `correlation.rules.${i}`);
      } else if (!found) {
        fail(rule, 'sigma.correlation.unknown_rule', `no rule has the id or name '${ref}'`, `correlation.rules.${i}`);
      } else if (found.type === 'filter') {
        fail(rule, 'sigma.correlation.invalid_rule', `'${ref}' is a filter; correlations reference detection or correlation rules`, `correlation.rules.${i}`);
      } else {
        const t = targets.get(found) ?? { rule: found, positions: [], groupFields: [], valueFields: [] };
        t.positions.push(i);
        targets.set(found, t);
      }
    });
    const list = [...targets.values()];
    for (const [alias, mapping] of Object.entries(rule.aliases)) {
      for (const key of Object.keys(mapping)) {
        if (!list.some((t) => t.rule.name === key || t.rule.id === key)) {
          fail(rule, 'sigma.correlation.alias_unknown_rule', `alias '${alias}' names '${key}', which is not one of this correlation's rules`, `correlation.aliases.${alias}.${key}`);
        }
      }
    }
    const valueFields = valueFieldsOf(rule, fail);
    for (const t of list) {
      const through = (field: string): string => {
        const mapping = rule.aliases[field];
        if (!mapping) return field;
        // A rule the alias does not mention reads the field named like the alias.
        return (t.rule.name !== undefined ? mapping[t.rule.name] : undefined) ?? (t.rule.id !== undefined ? mapping[t.rule.id] : undefined) ?? field;
      };
      t.groupFields = rule.groupBy.map(through);
      t.valueFields = valueFields.map(through);
      if (t.rule.type === 'correlation') {
        const inner = t.rule;
        for (const f of [...t.groupFields, ...t.valueFields]) {
          if (!inner.groupBy.includes(f)) {
            fail(rule, 'sigma.correlation.group_field', `reads '${f}' from correlation '${inner.title}', whose alerts only carry its group-by fields (${inner.groupBy.join(', ') || 'none'})`, 'correlation.group-by');
          }
        }
      }
    }
    let condition: CountCondition = rule.condition ?? {};
    if ((rule.correlationType === 'temporal' || rule.correlationType === 'temporal_ordered') && !hasOperator(rule.condition)) {
      condition = { gte: rule.rules.length };
    }
    compiled.set(rule, {
      rule,
      ruleId: rule.id ?? rule.title,
      targets: list,
      consumers: [],
      correlationOnly: false,
      condition,
      // value_percentile rates each event against the window behind it, so it always decides at once.
      deferred: rule.correlationType !== 'value_percentile' && isDeferred(condition),
    });
  }

  findCycles(correlations, compiled, fail);

  const referenced = new Set<CorrelationRule>();
  const generated = new Set<CorrelationRule>();
  for (const c of compiled.values()) {
    for (const t of c.targets) if (t.rule.type === 'correlation') (c.rule.generate ? generated : referenced).add(t.rule);
  }
  for (const c of compiled.values()) c.correlationOnly = referenced.has(c.rule) && !generated.has(c.rule);

  const order: CompiledCorrelation[] = [];
  const visited = new Set<CorrelationRule>();
  const visit = (rule: CorrelationRule) => {
    if (visited.has(rule) || broken.has(rule)) return;
    visited.add(rule);
    const c = compiled.get(rule)!;
    for (const t of c.targets) if (t.rule.type === 'correlation') visit(t.rule);
    order.push(c);
  };
  for (const rule of correlations) visit(rule);

  const byBaseRule = new Map<string, Consumer[]>();
  for (const c of order) {
    for (const target of c.targets) {
      if (target.rule.type === 'correlation') {
        compiled.get(target.rule)!.consumers.push({ corr: c, target });
        continue;
      }
      // Keyed by both id and name so a match finds its consumers whichever way it was referenced.
      for (const key of ruleKeys(target.rule)) {
        const list = byBaseRule.get(key) ?? [];
        if (!list.some((x) => x.corr === c)) list.push({ corr: c, target });
        byBaseRule.set(key, list);
      }
    }
  }
  return { correlations: order, byBaseRule, errors };
}

function valueFieldsOf(rule: CorrelationRule, fail: (r: CorrelationRule, code: string, m: string, f: string) => void): string[] {
  const type = rule.correlationType;
  if (type === 'event_count' || type === 'temporal' || type === 'temporal_ordered' || !rule.condition?.field) return [];
  // The loader joins a YAML list of fields with commas; value_count counts distinct combinations.
  const fields = rule.condition.field.split(',').map((f) => f.trim()).filter((f) => f.length > 0);
  if (type !== 'value_count' && fields.length !== 1) {
    fail(rule, 'sigma.correlation.invalid', `${type} needs exactly one condition field`, 'correlation.condition.field');
  }
  return fields;
}

function findCycles(
  correlations: CorrelationRule[],
  compiled: Map<CorrelationRule, CompiledCorrelation>,
  fail: (r: CorrelationRule, code: string, m: string, f: string) => void,
): void {
  const state = new Map<CorrelationRule, 'active' | 'done'>();
  const stack: CorrelationRule[] = [];
  const walk = (rule: CorrelationRule) => {
    state.set(rule, 'active');
    stack.push(rule);
    for (const t of compiled.get(rule)!.targets) {
      if (t.rule.type !== 'correlation') continue;
      const s = state.get(t.rule);
      if (s === 'active') {
        const cycle = stack.slice(stack.indexOf(t.rule));
        const path = [...cycle, t.rule].map((r) => r.name ?? r.id ?? r.title).join(' -> ');
        for (const r of cycle) fail(r, 'sigma.correlation.cycle', `correlations reference each other in a cycle: ${path}`, 'correlation.rules');
      } else if (s === undefined) walk(t.rule);
    }
    stack.pop();
    state.set(rule, 'done');
  };
  for (const rule of correlations) if (!state.has(rule)) walk(rule);
}
