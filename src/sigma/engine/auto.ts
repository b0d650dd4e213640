import type { EventObject } from '../../core/event.js';
import type { VigilError } from '../../core/errors.js';
import type { AhoCorasick } from '../compile/aho-corasick.js';
import type { AnyRule } from '../model/types.js';
import { loadPipeline } from '../pipeline/load.js';
import { SigmaEngine } from './engine.js';
import type { MatchOptions, RuleMatch } from './types.js';

/** Which built-in pipeline fits an event, judged from its shape. */
export function pipelineForEvent(event: EventObject): string {
  const ev = event['Event'];
  if (ev && typeof ev === 'object' && 'System' in (ev as object)) return 'windows-evtx';
  if (event['winlog'] && typeof event['winlog'] === 'object') return 'winlogbeat';
  return 'generic';
}

/**
 * Matches each event with the engine of the pipeline that fits its shape (evtx JSON, Winlogbeat,
 * generic JSON), compiling each pipeline's engine on first use.
 */
export class AutoEngine {
  private readonly engines = new Map<string, SigmaEngine>();
  private readonly automata = new Map<string, AhoCorasick>();

  constructor(
    private readonly rules: AnyRule[],
    private readonly errors?: VigilError[],
  ) {}

  engineFor(name: string): SigmaEngine {
    let e = this.engines.get(name);
    if (!e) {
      e = SigmaEngine.compile(this.rules, loadPipeline(name), { errors: this.errors, automata: this.automata });
      this.engines.set(name, e);
    }
    return e;
  }

  match(event: EventObject, options: MatchOptions = {}): RuleMatch[] {
    return this.engineFor(pipelineForEvent(event)).match(event, options);
  }
}
