import type { EventObject } from '../../core/event.js';
import { SigmaEngine } from '../engine/engine.js';
import { loadRulesFromText } from '../loader/load.js';
import { loadPipeline } from '../pipeline/load.js';

export { CORPORA, HAVE_CORPORA, SKIP_CORPORA } from '../../core/corpora.js';

/** Compiles one detection block (YAML under `detection:`) into an engine over generic JSON events. */
export function engineFor(detectionYaml: string, extra = '', placeholders?: Record<string, string[]>): SigmaEngine {
  const indented = detectionYaml
    .trim()
    .split('\n')
    .map((l) => '    ' + l)
    .join('\n');
  const text = `title: test rule\nid: 00000000-0000-4000-8000-000000000001\nauthor: Vigil tests\nlevel: high\nlogsource:\n    product: test\n${extra}detection:\n${indented}\n`;
  const set = loadRulesFromText(text, 'test.yml', { placeholders });
  if (set.errors.length > 0) throw set.errors[0];
  return SigmaEngine.compile(set.rules, loadPipeline('generic'));
}

export function matches(engine: SigmaEngine, event: EventObject): boolean {
  return engine.match(event).length > 0;
}
