import type { EventObject, LogSource } from '../../core/event.js';
import { VigilError, errorMessage } from '../../core/errors.js';
import { EventContext, compileAccessor, type Accessor } from '../compile/context.js';
import { FieldResolver } from '../compile/field-resolver.js';
import { compileDetection, compileFieldMatch, positiveSearches, type Predicate } from '../compile/predicate.js';
import { detectionRequirement } from '../compile/requirements.js';
import type { AnyRule, FieldMatch, FilterRule, Search, SigmaRule } from '../model/types.js';
import type { EventSelector, Pipeline } from '../pipeline/types.js';
import { Branch, type CompiledRule } from './branch.js';
import type { AhoCorasick } from '../compile/aho-corasick.js';
import { logsourceCompatible, routeLogsource } from './routing.js';
import type { EngineStats, MatchOptions, RuleMatch } from './types.js';

export interface EngineOptions {
  /** Collect compile errors instead of throwing on the first one. */
  errors?: VigilError[];
  /** Literal automata by literal set, shared between engines (AutoEngine's pipelines index the same literals). */
  automata?: Map<string, AhoCorasick>;
}

/**
 * Sigma rules compiled for one pipeline. Events are routed by log source to branches; each branch's
 * literal index picks the candidate rules, and only those run their predicates.
 */
export class SigmaEngine {
  readonly stats: EngineStats;
  /** Rules evaluated for the last event (for benchmarks and diagnostics). */
  lastCandidates = 0;
  private readonly branches: Branch[] = [];
  private readonly catchAll: Branch[] = [];
  private readonly byChannel = new Map<string, Branch[]>();
  private readonly routeCache = new Map<string, Branch[]>();
  private readonly logsourceCache = new Map<string, Branch[]>();
  private readonly correlationOnly = new Set<SigmaRule>();
  /** Routing-key readers, compiled once: they run on every event. */
  private readonly routeKeys: { channel: Accessor; eventId: Accessor; provider: Accessor } | undefined;
  private readonly explainers = new Map<CompiledRule, { field: string; pred: Predicate; key: string; get: Accessor }[]>();

  private constructor(
    readonly pipeline: Pipeline,
    rules: AnyRule[],
    options: EngineOptions,
  ) {
    const start = performance.now();
    const r = pipeline.routing;
    this.routeKeys = r && { channel: compileAccessor(r.channel), eventId: compileAccessor(r.eventId), provider: compileAccessor(r.provider) };
    const detections = rules.filter((r): r is SigmaRule => r.type === 'rule');
    const filters = rules.filter((r): r is FilterRule => r.type === 'filter');
    this.stats = { rules: detections.length, active: 0, unrouted: [], placeholders: [], filters: filters.length, compileMs: 0 };
    this.markCorrelationOnly(rules, detections);
    const branchOf = new Map<EventSelector | undefined, Branch>();
    // Without routing keys, rules are grouped by their own logsource instead, so an event whose source
    // profile named its logsource never looks at the other groups' rules (they could not match it).
    const byLogsource = new Map<string, Branch>();
    const getBranch = (selector: EventSelector | undefined, rule: SigmaRule): Branch => {
      const lsKey = pipeline.routing ? undefined : logsourceKey(rule.logsource);
      let b = lsKey === undefined ? branchOf.get(selector) : byLogsource.get(lsKey);
      if (!b) {
        b = new Branch(selector, new FieldResolver(pipeline, selector), lsKey === undefined ? undefined : rule.logsource);
        if (lsKey === undefined) branchOf.set(selector, b);
        else byLogsource.set(lsKey, b);
        this.branches.push(b);
        if (!selector || !selector.channel) this.catchAll.push(b);
        else {
          const ch = selector.channel.toLowerCase();
          this.byChannel.set(ch, [...(this.byChannel.get(ch) ?? []), b]);
        }
      }
      return b;
    };
    const requirements = new Map<Branch, ReturnType<typeof detectionRequirement>[]>();
    for (const rule of detections) {
      if (rule.placeholders.length > 0) {
        this.stats.placeholders.push({ rule: rule.id ?? rule.title, file: rule.file, placeholders: rule.placeholders });
        continue;
      }
      const route = routeLogsource(rule.logsource, pipeline);
      if (route.kind === 'unrouted') {
        this.stats.unrouted.push({ rule: rule.id ?? rule.title, file: rule.file, reason: route.reason });
        continue;
      }
      const selectors: (EventSelector | undefined)[] = route.kind === 'all' ? [undefined] : route.mappings.flatMap((m) => m.events);
      const ruleFilters = filters.filter((f) => f.rules.some((ref) => ref === rule.id || ref === rule.name) && logsourceCompatible(f.logsource, rule.logsource));
      try {
        const compiledForBranches = selectors.map((sel) => {
          const branch = getBranch(sel, rule);
          let predicate = compileDetection(rule.detection, branch.resolver);
          for (const f of ruleFilters) {
            const base = predicate;
            const filterPred = compileDetection(f.detection, branch.resolver);
            predicate = (ctx) => base(ctx) && !filterPred(ctx);
          }
          return { branch, predicate, requirement: detectionRequirement(rule.detection, branch.resolver) };
        });
        for (const { branch, predicate, requirement } of compiledForBranches) {
          branch.add(rule, predicate);
          let reqs = requirements.get(branch);
          if (!reqs) requirements.set(branch, (reqs = []));
          reqs.push(requirement);
        }
        this.stats.active++;
      } catch (err) {
        const e = err instanceof VigilError ? err : new VigilError('sigma.compile', errorMessage(err), rule.location, { cause: err });
        if (options.errors) options.errors.push(e);
        else throw e;
      }
    }
    const automata = options.automata ?? new Map<string, AhoCorasick>();
    for (const branch of this.branches) branch.buildIndex(requirements.get(branch) ?? [], automata);
    this.stats.compileMs = performance.now() - start;
  }

  /** Compiles rules (detections, filters and correlations' references) for a pipeline. */
  static compile(rules: AnyRule[], pipeline: Pipeline, options: EngineOptions = {}): SigmaEngine {
    return new SigmaEngine(pipeline, rules, options);
  }

  private markCorrelationOnly(rules: AnyRule[], detections: SigmaRule[]): void {
    const referenced = new Set<string>();
    const generated = new Set<string>();
    for (const r of rules) {
      if (r.type !== 'correlation') continue;
      for (const ref of r.rules) (r.generate ? generated : referenced).add(ref);
    }
    for (const d of detections) {
      const refs = [d.id, d.name].filter((x): x is string => !!x);
      if (refs.some((x) => referenced.has(x)) && !refs.some((x) => generated.has(x))) this.correlationOnly.add(d);
    }
  }

  /** The branches (event shapes) an event belongs to. */
  private route(event: EventObject, logsource: LogSource | undefined): Branch[] {
    const keys = this.routeKeys;
    if (!keys) return logsource ? this.byEventLogsource(logsource) : this.catchAll;
    const channel = String(keys.channel(event) ?? '');
    const eventId = scalarText(keys.eventId(event));
    const provider = String(keys.provider(event) ?? '');
    const cacheKey = `${channel}\u0000${eventId}\u0000${provider}`;
    let branches = this.routeCache.get(cacheKey);
    if (!branches) {
      const lowerProvider = provider.toLowerCase();
      branches = [...(this.byChannel.get(channel.toLowerCase()) ?? []), ...this.catchAll].filter((b) => {
        const sel = b.selector;
        if (!sel) return true;
        if (sel.eventIds && !sel.eventIds.includes(eventId)) return false;
        if (sel.provider && sel.provider.toLowerCase() !== lowerProvider) return false;
        return true;
      });
      if (this.routeCache.size > 10_000) this.routeCache.clear();
      this.routeCache.set(cacheKey, branches);
    }
    return branches;
  }

  /** Unrouted pipelines: the rule groups whose logsource does not contradict the event's. */
  private byEventLogsource(logsource: LogSource): Branch[] {
    const key = `${logsource.product ?? ''}\u0000${logsource.category ?? ''}\u0000${logsource.service ?? ''}`;
    let branches = this.logsourceCache.get(key);
    if (!branches) {
      branches = this.catchAll.filter((b) => !b.logsource || logsourceCompatible(b.logsource, logsource));
      if (this.logsourceCache.size > 10_000) this.logsourceCache.clear();
      this.logsourceCache.set(key, branches);
    }
    return branches;
  }

  /** Every rule that matches the event. */
  match(event: EventObject, options: MatchOptions = {}): RuleMatch[] {
    const ctx = new EventContext(event);
    const matches: RuleMatch[] = [];
    let checked = 0;
    for (const branch of this.route(event, options.logsource)) {
      if (!selectorWhere(branch, ctx)) continue;
      const candidates = branch.candidates(ctx);
      checked += candidates.length;
      for (const i of candidates) {
        const compiled = branch.rules[i]!;
        // A rule routed to two shapes an event has matches once (matches are few: a scan beats a Set per event).
        if ((matches.length > 0 && alreadyMatched(matches, compiled.rule)) || !compiled.predicate(ctx)) continue;
        matches.push(this.toMatch(compiled, branch, ctx));
      }
    }
    this.lastCandidates = checked;
    return matches;
  }

  private toMatch(compiled: CompiledRule, branch: Branch, ctx: EventContext): RuleMatch {
    const rule = compiled.rule;
    const fields: RuleMatch['fields'] = [];
    for (const ex of this.explainer(compiled, branch)) {
      if (fields.length >= 16) break;
      if (fields.some((f) => f.field === ex.field)) continue;
      if (!ex.pred(ctx)) continue;
      const fv = ctx.field(ex.key, ex.get);
      fields.push({ field: ex.field, value: (fv.strs[0] ?? '').slice(0, 1024) });
    }
    const resolver = branch.resolver;
    return {
      ruleId: rule.id ?? rule.title,
      title: rule.title,
      level: rule.level,
      status: rule.status,
      tags: rule.tags,
      author: rule.author,
      fields,
      correlationOnly: this.correlationOnly.has(rule),
      rule,
      event: ctx.event,
      fieldValue: (field: string) => {
        return resolver.resolve(field).get(ctx.event);
      },
    };
  }

  private explainer(compiled: CompiledRule, branch: Branch) {
    let ex = this.explainers.get(compiled);
    if (!ex) {
      ex = [];
      const det = compiled.rule.detection;
      const collect = (s: Search, out: FieldMatch[]) => {
        if (s.kind === 'match') out.push(s.item);
        else if (s.kind === 'and') out.push(...s.items);
        else for (const x of s.items) collect(x, out);
      };
      for (const name of positiveSearches(det)) {
        const fms: FieldMatch[] = [];
        collect(det.searches.get(name)!, fms);
        for (const fm of fms) {
          if (fm.field === undefined || fm.negate) continue;
          const { key, get } = branch.resolver.resolve(fm.field);
          ex.push({ field: fm.field, pred: compileFieldMatch(fm, branch.resolver), key, get });
        }
      }
      this.explainers.set(compiled, ex);
    }
    return ex;
  }

  /**
   * The naive baseline for benchmarks: no route cache and no literal index; every rule's log source
   * test and predicate run on every event.
   */
  matchNaive(event: EventObject): number {
    const ctx = new EventContext(event);
    const keys = this.routeKeys;
    const channel = keys ? String(keys.channel(event) ?? '').toLowerCase() : '';
    const eventId = keys ? scalarText(keys.eventId(event)) : '';
    let n = 0;
    for (const branch of this.branches) {
      for (const r of branch.rules) {
        const sel = branch.selector;
        const belongs = !sel || ((!sel.channel || sel.channel.toLowerCase() === channel) && (!sel.eventIds || sel.eventIds.includes(eventId)) && selectorWhere(branch, ctx));
        if (belongs && r.predicate(ctx)) n++;
      }
    }
    return n;
  }
}

function alreadyMatched(matches: RuleMatch[], rule: SigmaRule): boolean {
  for (let i = 0; i < matches.length; i++) if (matches[i]!.rule === rule) return true;
  return false;
}

/** Groups rules whose logsources compare equal (logsourceCompatible ignores case). */
function logsourceKey(ls: LogSource): string {
  return [ls.product, ls.category, ls.service].map((x) => (x ?? '').toLowerCase()).join('\u0000');
}

function scalarText(v: unknown): string {
  if (v === undefined || v === null) return '';
  if (typeof v === 'object' && !Array.isArray(v)) return scalarText((v as Record<string, unknown>)['#text']);
  return String(v);
}

function selectorWhere(branch: Branch, ctx: EventContext): boolean {
  const where = branch.selector?.where;
  if (!where) return true;
  for (const [field, accepted] of Object.entries(where)) {
    const { key, get } = branch.resolver.resolve(field);
    const fv = ctx.field(key, get);
    if (!fv.lowers.some((v) => accepted.includes(v))) return false;
  }
  return true;
}
