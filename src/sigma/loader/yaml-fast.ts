import { CORE_SCHEMA, EVENT_ID, SCALAR_STYLE, constructFromEvents, getScalarValue, parseEvents, type Event, type ScalarEvent } from 'js-yaml';
import type { Location } from '../../core/errors.js';
import { parseYamlDocuments, type YamlDoc } from './yaml-source.js';

/** Same nesting bound the precise parser lives with; deeper rule files go to the precise path. */
const MAX_DEPTH = 100;
const MAX_ALIASES = 100;

/**
 * The fast path for rule files: js-yaml (YAML 1.2 core schema, the same schema the precise path
 * uses: dates stay strings, duplicate keys are errors) builds the values, and positions come from
 * its event stream. Returns undefined whenever the precise path (the `yaml` lib) must decide: a
 * syntax error, or a document that is not a map (which the rule parser rejects anyway, so its
 * error message comes from the precise path; an empty `---` document is one). Size limits are the caller's.
 *
 * Offsets follow the precise path's conventions (a map entry at its key, a quoted scalar at its
 * opening quote); the few node forms where the two could differ (anchors, tags, aliases, block
 * scalars as list items, empty items) are located by parsing the file with the precise path, once.
 */
export function parseYamlDocumentsFast(text: string, file: string): YamlDoc[] | undefined {
  let events: Event[];
  let values: unknown[];
  try {
    events = parseEvents(text, { filename: file, maxDepth: MAX_DEPTH });
    values = constructFromEvents(events, { source: text, filename: file, schema: CORE_SCHEMA, maxAliases: MAX_ALIASES });
  } catch {
    return undefined;
  }
  const ends = subtreeEnds(events);
  const lines = new LineIndex(text);
  let precise: YamlDoc[] | null | undefined;
  const preciseDoc = (index: number): YamlDoc | undefined => {
    if (precise === undefined) {
      const parsed = parseYamlDocuments(text, file);
      precise = parsed.errors.length === 0 ? parsed.docs : null;
    }
    return precise?.find((d) => d.index === index);
  };

  const docs: YamlDoc[] = [];
  let index = 0;
  for (let i = 0; i < events.length; i = ends[i]!, index++) {
    const root = i + 1;
    const rootEvent = events[root];
    if (events[i]!.type !== EVENT_ID.DOCUMENT || !rootEvent) return undefined;
    if (rootEvent.type !== EVENT_ID.MAPPING) return undefined;
    const value = values[index];
    const docIndex = index;
    docs.push({
      value,
      file,
      index: docIndex,
      locate(path) {
        const offset = locateOffset(text, events, ends, root, path);
        if (offset === undefined) {
          const doc = preciseDoc(docIndex);
          if (doc) return doc.locate(path);
        }
        return { ...lines.at(file, offset ?? Math.max(0, nodeOffset(events[root]!) ?? 0)), field: path.join('.') };
      },
    });
  }
  if (index !== values.length) return undefined;
  return docs;
}

/** For each event, the index just past its node (a collection's closing POP included). */
function subtreeEnds(events: Event[]): Int32Array {
  const ends = new Int32Array(events.length);
  const open: number[] = [];
  for (let i = 0; i < events.length; i++) {
    const t = events[i]!.type;
    if (t === EVENT_ID.DOCUMENT || t === EVENT_ID.MAPPING || t === EVENT_ID.SEQUENCE) open.push(i);
    else if (t === EVENT_ID.POP) {
      const start = open.pop();
      if (start !== undefined) ends[start] = i + 1;
      ends[i] = i + 1;
    } else ends[i] = i + 1;
  }
  return ends;
}

/**
 * Where the precise parser's node range starts, or undefined when this event alone cannot say
 * for sure (properties, aliases, block scalars, empty scalars).
 */
function nodeOffset(e: Event): number | undefined {
  switch (e.type) {
    case EVENT_ID.MAPPING:
    case EVENT_ID.SEQUENCE:
      return e.anchorStart < 0 && e.tagStart < 0 ? e.start : undefined;
    case EVENT_ID.SCALAR:
      if (e.anchorStart >= 0 || e.tagStart >= 0 || e.valueStart < 0) return undefined;
      if (e.style === SCALAR_STYLE.PLAIN) return e.valueStart;
      if (e.style === SCALAR_STYLE.SINGLE_QUOTED || e.style === SCALAR_STYLE.DOUBLE_QUOTED) return e.valueStart - 1;
      return undefined;
    default:
      return undefined;
  }
}

/** A map key as the precise path compares it: the resolved scalar value as a string. */
function keyText(text: string, e: ScalarEvent): string {
  const raw = getScalarValue(text, e);
  if (e.style !== SCALAR_STYLE.PLAIN || e.tagStart >= 0) return raw;
  return String(CORE_SCHEMA.resolveImplicitScalarTag(raw).value);
}

/**
 * Offset of the deepest node on `path` that exists (the key for map entries), as the precise
 * path's `findNode` computes it; undefined when a node on the way has no certain offset.
 */
function locateOffset(text: string, events: Event[], ends: Int32Array, root: number, path: (string | number)[]): number | undefined {
  let node = root;
  let offset = nodeOffset(events[root]!);
  if (offset === undefined) return undefined;
  for (const key of path) {
    const e = events[node]!;
    if (e.type === EVENT_ID.MAPPING) {
      const want = String(key);
      let found = -1;
      const stop = ends[node]! - 1;
      for (let k = node + 1; k < stop; ) {
        const keyEvent = events[k]!;
        const v = ends[k]!;
        if (keyEvent.type === EVENT_ID.SCALAR && keyText(text, keyEvent) === want) {
          found = k;
          break;
        }
        k = ends[v]!;
      }
      if (found < 0) return offset;
      offset = nodeOffset(events[found]!);
      if (offset === undefined) return undefined;
      node = ends[found]!;
    } else if (e.type === EVENT_ID.SEQUENCE && typeof key === 'number') {
      let item = node + 1;
      const stop = ends[node]! - 1;
      for (let n = 0; n < key && item < stop; n++) item = ends[item]!;
      if (item >= stop) return offset;
      offset = nodeOffset(events[item]!);
      if (offset === undefined) return undefined;
      node = item;
    } else {
      return offset;
    }
  }
  return offset;
}

/** Offset -> 1-based line and column, the way the precise path's LineCounter reports them. */
class LineIndex {
  private starts: number[] | undefined;

  constructor(private readonly text: string) {}

  at(file: string, offset: number): Location {
    const starts = (this.starts ??= lineStarts(this.text));
    let lo = 0;
    let hi = starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (starts[mid]! <= offset) lo = mid;
      else hi = mid - 1;
    }
    return { file, line: lo + 1, column: offset - starts[lo]! + 1 };
  }
}

function lineStarts(text: string): number[] {
  const starts = [0];
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) starts.push(i + 1);
  return starts;
}
