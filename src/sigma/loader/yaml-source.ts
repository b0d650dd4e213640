import { LineCounter, parseAllDocuments, isMap, isSeq, isPair, isScalar, type Document, type Node } from 'yaml';
import { VigilError, type Location } from '../../core/errors.js';

export const MAX_RULE_FILE_BYTES = 1024 * 1024;

/** One YAML document with a way to turn field paths into file:line:column. */
export interface YamlDoc {
  value: unknown;
  file: string;
  index: number;
  locate(path: (string | number)[]): Location;
}

/** Parses a (multi-document) YAML text. Dates stay strings (YAML 1.2 core schema), duplicate keys are errors. */
export function parseYamlDocuments(text: string, file: string): { docs: YamlDoc[]; errors: VigilError[] } {
  if (text.length > MAX_RULE_FILE_BYTES) {
    return { docs: [], errors: [new VigilError('sigma.yaml.too_large', `file is larger than ${MAX_RULE_FILE_BYTES} bytes`, { file })] };
  }
  const lineCounter = new LineCounter();
  const parsed = parseAllDocuments(text, { lineCounter, version: '1.2', schema: 'core', uniqueKeys: true, prettyErrors: false });
  const documents = Array.isArray(parsed) ? parsed : [];
  const docs: YamlDoc[] = [];
  const errors: VigilError[] = [];
  const at = (offset: number): Location => {
    const pos = lineCounter.linePos(offset);
    return { file, line: pos.line, column: pos.col };
  };
  documents.forEach((doc: Document.Parsed, index) => {
    if (doc.errors.length > 0) {
      for (const e of doc.errors) errors.push(new VigilError('sigma.yaml.syntax', e.message.split('\n')[0]!, at(e.pos[0])));
      return;
    }
    if (doc.contents === null) return;
    const value = doc.toJS({ maxAliasCount: 100 });
    docs.push({
      value,
      file,
      index,
      locate(path) {
        const located = findNode(doc.contents as Node, path);
        const loc = located ? at(located) : at(doc.range[0]);
        return { ...loc, field: path.join('.') };
      },
    });
  });
  return { docs, errors };
}

/** Offset of the deepest node on `path` that exists (the key for map entries, so errors point at the key). */
function findNode(root: Node, path: (string | number)[]): number | undefined {
  let node: unknown = root;
  let offset = (root as { range?: [number, number, number] }).range?.[0];
  for (const key of path) {
    if (isMap(node)) {
      const pair = node.items.find((p) => isPair(p) && isScalar(p.key) && String(p.key.value) === String(key));
      if (!pair) return offset;
      offset = (pair.key as { range?: [number, number, number] }).range?.[0] ?? offset;
      node = pair.value;
    } else if (isSeq(node) && typeof key === 'number') {
      const item = node.items[key] as { range?: [number, number, number] } | undefined;
      if (!item) return offset;
      offset = item.range?.[0] ?? offset;
      node = item;
    } else {
      return offset;
    }
  }
  return offset;
}
