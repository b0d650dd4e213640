import type { LogSource } from '../../core/event.js';
import type { SigmaRule } from '../model/types.js';
import { AhoCorasick } from '../compile/aho-corasick.js';
import type { Accessor, EventContext } from '../compile/context.js';
import type { FieldResolver } from '../compile/field-resolver.js';
import type { Predicate } from '../compile/predicate.js';
import { KEYWORD_KEY, type Requirement } from '../compile/requirements.js';
import type { EventSelector } from '../pipeline/types.js';

export interface CompiledRule {
  rule: SigmaRule;
  predicate: Predicate;
  /** Index into the branch's rule list. */
  index: number;
}

interface FieldIndex {
  key: string;
  get: Accessor;
  automaton: AhoCorasick;
  /** literal id -> rule indexes */
  rulesOf: number[][];
  /** Keywords whose literals hold no NUL: all values are scanned as one NUL-joined text. */
  joinable: boolean;
}

/**
 * The rules that apply to one event shape (a logsource selector), with a literal index that narrows
 * every event down to the few rules whose required text actually occurs in it.
 */
export class Branch {
  readonly rules: CompiledRule[] = [];
  private alwaysCandidates: number[] = [];
  private fieldIndexes: FieldIndex[] = [];
  private seen = new Uint32Array(0);
  private epoch = 0;

  constructor(
    readonly selector: EventSelector | undefined,
    readonly resolver: FieldResolver,
    /** Unrouted pipelines: the logsource every rule of this branch has (compared case-insensitively). */
    readonly logsource?: LogSource,
  ) {}

  add(rule: SigmaRule, predicate: Predicate): CompiledRule {
    const compiled = { rule, predicate, index: this.rules.length };
    this.rules.push(compiled);
    return compiled;
  }

  /** Builds the literal index from each rule's requirement (null: always a candidate, []: never). */
  buildIndex(requirements: Requirement[], automatonCache?: Map<string, AhoCorasick>): void {
    const byKey = new Map<string, { get: Accessor; literals: Map<string, number[]> }>();
    this.alwaysCandidates = [];
    requirements.forEach((req, ruleIndex) => {
      if (req === null) {
        this.alwaysCandidates.push(ruleIndex);
        return;
      }
      for (const anchor of req) {
        let entry = byKey.get(anchor.key);
        if (!entry) {
          entry = { get: anchor.get, literals: new Map() };
          byKey.set(anchor.key, entry);
        }
        const list = entry.literals.get(anchor.literal);
        if (list) {
          if (list[list.length - 1] !== ruleIndex) list.push(ruleIndex);
        } else entry.literals.set(anchor.literal, [ruleIndex]);
      }
    });
    this.fieldIndexes = [...byKey].map(([key, { get, literals }]) => {
      const signature = [...literals.keys()].join('\u0000');
      // Event shapes that share a rule set (Sysmon 1 and Security 4688) share their automata.
      let automaton = automatonCache?.get(signature);
      if (!automaton) {
        let id = 0;
        automaton = new AhoCorasick({ caseless: true });
        for (const literal of literals.keys()) automaton.add(literal, id++);
        // Built on its first search: many fields indexed for some rule never occur in the events at hand.
        automatonCache?.set(signature, automaton);
      }
      const joinable = key === KEYWORD_KEY && [...literals.keys()].every((l) => !l.includes('\u0000'));
      return { key, get, automaton, rulesOf: [...literals.values()], joinable };
    });
    this.seen = new Uint32Array(this.rules.length);
  }

  /** Rule indexes worth evaluating on this event, each once (rules without anchors first). */
  candidates(ctx: EventContext): number[] {
    if (++this.epoch === 0xffffffff) {
      this.seen.fill(0);
      this.epoch = 1;
    }
    const epoch = this.epoch;
    const seen = this.seen;
    const out: number[] = [];
    for (const i of this.alwaysCandidates) {
      seen[i] = epoch;
      out.push(i);
    }
    for (const fi of this.fieldIndexes) {
      const rulesOf = fi.rulesOf;
      const found = (id: number) => {
        for (const r of rulesOf[id]!) {
          if (seen[r] !== epoch) {
            seen[r] = epoch;
            out.push(r);
          }
        }
      };
      if (fi.joinable) {
        fi.automaton.search(ctx.keywordText(), found);
        continue;
      }
      const fv = fi.key === KEYWORD_KEY ? ctx.keywords() : ctx.field(fi.key, fi.get);
      if (!fv.present) continue;
      // Caseless automata: the values are scanned as if lower-cased.
      for (const s of fv.strs) fi.automaton.search(s, found);
    }
    return out;
  }
}
