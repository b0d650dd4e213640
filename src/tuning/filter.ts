/**
 * The alert-write hook: before an occurrence becomes an alert, active rule exceptions and suppression
 * windows are tested against its events. Held parts are written to the held-alert table (inside the
 * batch's transaction, so they are kept exactly when the batch is) and counted per holder; the rest
 * is returned to be alerted. Compiled tuning is cached and refreshed when tuning changes.
 */
import type { DetectedAlert } from '../detect/types.js';
import type { TuningStore } from '../storage/ports.js';
import { compileConditions, type EventTest } from './conditions.js';
import type { TunableEvent } from './event-fields.js';
import { fieldValues } from './event-fields.js';
import { compileHuntFilter } from './hunt-match.js';
import type { HeldBy, RuleException, Suppression } from './types.js';

interface CompiledSuppression {
  s: Suppression;
  query: EventTest | null;
}

interface CompiledException {
  e: RuleException;
  test: EventTest;
}

type Decision = { by: HeldBy; refId: number } | null;

export class TuningFilter {
  private suppressions: CompiledSuppression[] = [];
  private exceptions = new Map<string, CompiledException[]>();

  constructor(
    private readonly store: TuningStore,
    /** Events not in the batch at hand (a correlation's earlier events): the event store. */
    private readonly lookup: (id: number) => TunableEvent | undefined,
    private readonly windowMs: number,
    private readonly log: (line: string) => void = () => {},
  ) {
    this.refresh();
  }

  /** Recompiles from the store (after every change; expired entries drop out on their own). */
  refresh(): void {
    const suppressions: CompiledSuppression[] = [];
    for (const s of this.store.listSuppressions()) {
      try {
        suppressions.push({ s, query: s.query === null ? null : compileHuntFilter(s.query) });
      } catch (err) {
        this.log(`vigil: suppression ${s.id} not applied: ${(err as Error).message}`);
      }
    }
    const exceptions = new Map<string, CompiledException[]>();
    for (const e of this.store.listExceptions()) {
      try {
        const list = exceptions.get(e.ruleId) ?? [];
        list.push({ e, test: compileConditions(e.conditions) });
        exceptions.set(e.ruleId, list);
      } catch (err) {
        this.log(`vigil: rule exception ${e.id} not applied: ${(err as Error).message}`);
      }
    }
    this.suppressions = suppressions;
    this.exceptions = exceptions;
  }

  /** The part of `d` to alert (null: all held). `eventOf` reads the batch's own events. */
  apply(d: DetectedAlert, eventOf: (id: number) => TunableEvent | undefined, at: number): DetectedAlert | null {
    const exceptions = (this.exceptions.get(d.ruleId) ?? []).filter((x) => at < x.e.expires);
    const suppressions = this.suppressions.filter((x) => x.s.start <= at && at < x.s.expires && (x.s.ruleId === null || x.s.ruleId === d.ruleId));
    if (exceptions.length === 0 && suppressions.length === 0) return d;
    const event = (id: number): TunableEvent | undefined => eventOf(id) ?? this.lookup(id);
    const decide = (ev: TunableEvent | undefined): Decision => {
      if (ev) for (const x of exceptions) if (x.test(ev)) return { by: 'exception', refId: x.e.id };
      for (const x of suppressions) if (suppressionMatches(x, d, ev)) return { by: 'suppression', refId: x.s.id };
      return null;
    };

    // A correlation is one finding: it is judged on its newest event (whose host and user it shows).
    if (d.kind === 'correlation') {
      const decision = decide(event(d.eventIds[d.eventIds.length - 1]!));
      if (!decision) return d;
      this.hold(d, decision, d.eventIds, d.count, at);
      return null;
    }

    const groups = new Map<string, { decision: Decision; ids: number[] }>();
    for (const id of d.eventIds) {
      const decision = decide(event(id));
      const key = decision ? `${decision.by}:${decision.refId}` : '';
      const g = groups.get(key) ?? { decision, ids: [] };
      g.ids.push(id);
      groups.set(key, g);
    }
    // Occurrences beyond the kept event ids were not seen here: they follow the others only when all agree,
    // else they are alerted (nothing is hidden without its event having been tested).
    const unseen = Math.max(0, d.count - d.eventIds.length);
    const alerted = groups.get('');
    let result: DetectedAlert | null = null;
    for (const [key, g] of groups) {
      const count = g.ids.length + (groups.size === 1 || key === '' ? unseen : 0);
      if (g.decision) this.hold(d, g.decision, g.ids, count, at);
      else result = { ...d, eventIds: g.ids, count };
    }
    if (!alerted && groups.size > 1 && unseen > 0) {
      result = { ...d, eventIds: [d.eventIds[d.eventIds.length - 1]!], count: unseen };
    }
    return result;
  }

  private hold(d: DetectedAlert, decision: NonNullable<Decision>, eventIds: number[], count: number, at: number): void {
    this.store.hold({
      by: decision.by, refId: decision.refId, ruleId: d.ruleId, title: d.title, level: d.level, kind: d.kind,
      hostName: d.hostName, userName: d.userName, groupKey: d.groupKey, fields: d.fields, eventIds, count, at,
    }, this.windowMs);
  }
}

function sameText(a: string | null | undefined, b: string): boolean {
  return typeof a === 'string' && a.toLowerCase() === b.toLowerCase();
}

function suppressionMatches(x: CompiledSuppression, d: DetectedAlert, ev: TunableEvent | undefined): boolean {
  const { s } = x;
  if (s.host !== null) {
    const hosts = ev ? fieldValues(ev, 'host.name') : [];
    if (!sameText(d.hostName, s.host) && !hosts.some((h) => sameText(h, s.host!))) return false;
  }
  if (s.user !== null) {
    const users = ev ? fieldValues(ev, 'user.name') : [];
    if (!sameText(d.userName, s.user) && !users.some((u) => sameText(u, s.user!))) return false;
  }
  if (x.query) return ev !== undefined && x.query(ev);
  return true;
}
