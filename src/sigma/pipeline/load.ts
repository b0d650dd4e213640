import { readFileSync, readdirSync, existsSync } from 'node:fs';
import { dirname, join, basename } from 'node:path';
import { fileURLToPath } from 'node:url';
import { VigilError } from '../../core/errors.js';
import { parseYamlDocuments, type YamlDoc } from '../loader/yaml-source.js';
import type { EventSelector, LogsourceMapping, Pipeline } from './types.js';

/** Built-in pipelines live as YAML data in the project's `pipelines/` folder. */
export const BUILTIN_PIPELINE_DIR = fileURLToPath(new URL('../../../../pipelines/', import.meta.url));

const TOP_KEYS = ['name', 'description', 'product', 'include', 'routing', 'fields', 'field_lookup', 'logsources'];
const isPlainObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

export function builtinPipelineNames(): string[] {
  if (!existsSync(BUILTIN_PIPELINE_DIR)) return [];
  return readdirSync(BUILTIN_PIPELINE_DIR)
    .filter((f) => f.endsWith('.yml'))
    .map((f) => basename(f, '.yml'))
    .filter((n) => {
      const text = readFileSync(join(BUILTIN_PIPELINE_DIR, `${n}.yml`), 'utf8');
      return /^name:/m.test(text);
    })
    .sort();
}

/** Loads a pipeline by built-in name or by file path. Unknown names fail and list the known ones. */
export function loadPipeline(nameOrPath: string): Pipeline {
  const isPath = nameOrPath.includes('/') || nameOrPath.endsWith('.yml') || nameOrPath.endsWith('.yaml');
  const file = isPath ? nameOrPath : join(BUILTIN_PIPELINE_DIR, `${nameOrPath}.yml`);
  if (!existsSync(file) || (!isPath && !builtinPipelineNames().includes(nameOrPath))) {
    throw new VigilError('sigma.pipeline.unknown', `unknown pipeline '${nameOrPath}'; known pipelines: ${builtinPipelineNames().join(', ')} (or give a path to a pipeline YAML file)`);
  }
  return parsePipelineFile(file);
}

function readDoc(file: string): YamlDoc {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new VigilError('sigma.pipeline.unreadable', `cannot read pipeline file`, { file }, { cause: err });
  }
  const { docs, errors } = parseYamlDocuments(text, file);
  if (errors.length > 0) throw errors[0]!;
  if (docs.length !== 1 || !isPlainObject(docs[0]!.value)) throw new VigilError('sigma.pipeline.invalid', 'a pipeline file holds one YAML map', { file });
  return docs[0]!;
}

export function parsePipelineFile(file: string): Pipeline {
  const doc = readDoc(file);
  const v = doc.value as Record<string, unknown>;
  const fail = (path: (string | number)[], message: string) => new VigilError('sigma.pipeline.invalid', message, doc.locate(path));
  for (const key of Object.keys(v)) if (!TOP_KEYS.includes(key)) throw fail([key], `unknown pipeline key '${key}'; known keys: ${TOP_KEYS.join(', ')}`);
  if (typeof v['name'] !== 'string') throw fail(['name'], `'name' is required`);
  const strings = (value: unknown, path: (string | number)[]): string[] => {
    const list = Array.isArray(value) ? value : [value];
    if (!list.every((x) => typeof x === 'string' || typeof x === 'number')) throw fail(path, `'${path.join('.')}' must be a string or a list of strings`);
    return list.map(String);
  };
  let routing: Pipeline['routing'];
  if (v['routing'] !== undefined) {
    const r = v['routing'];
    if (!isPlainObject(r)) throw fail(['routing'], `'routing' must be a map`);
    for (const key of Object.keys(r)) if (!['channel', 'event_id', 'provider'].includes(key)) throw fail(['routing', key], `unknown routing key '${key}'; known: channel, event_id, provider`);
    routing = {
      channel: r['channel'] === undefined ? [] : strings(r['channel'], ['routing', 'channel']),
      eventId: r['event_id'] === undefined ? [] : strings(r['event_id'], ['routing', 'event_id']),
      provider: r['provider'] === undefined ? [] : strings(r['provider'], ['routing', 'provider']),
    };
  }
  const fields: Record<string, string[]> = {};
  if (v['fields'] !== undefined) {
    if (!isPlainObject(v['fields'])) throw fail(['fields'], `'fields' must map Sigma field names to event paths`);
    for (const [name, paths] of Object.entries(v['fields'])) fields[name] = strings(paths, ['fields', name]);
  }
  const fieldLookup = v['field_lookup'] === undefined ? ['{field}'] : strings(v['field_lookup'], ['field_lookup']);
  let logsources: LogsourceMapping[] = [];
  if (v['include'] !== undefined) {
    for (const inc of strings(v['include'], ['include'])) {
      const incFile = inc.includes('/') ? join(dirname(file), inc) : join(dirname(file), `${inc}.yml`);
      logsources = logsources.concat(parseLogsources(readDoc(incFile)));
    }
  }
  logsources = logsources.concat(parseLogsources(doc));
  return {
    name: v['name'],
    description: typeof v['description'] === 'string' ? v['description'].trim() : '',
    product: typeof v['product'] === 'string' ? v['product'] : undefined,
    routing,
    fields,
    fieldLookup,
    logsources,
  };
}

function parseLogsources(doc: YamlDoc): LogsourceMapping[] {
  const v = doc.value as Record<string, unknown>;
  const list = v['logsources'];
  if (list === undefined) return [];
  const fail = (path: (string | number)[], message: string) => new VigilError('sigma.pipeline.invalid', message, doc.locate(path));
  if (!Array.isArray(list)) throw fail(['logsources'], `'logsources' must be a list`);
  return list.map((entry, i): LogsourceMapping => {
    const path = ['logsources', i];
    if (!isPlainObject(entry)) throw fail(path, 'a logsource mapping must be a map');
    for (const key of Object.keys(entry)) if (!['product', 'category', 'service', 'events'].includes(key)) throw fail([...path, key], `unknown logsource key '${key}'`);
    if (!Array.isArray(entry['events'])) throw fail([...path, 'events'], `'events' must be a list of event selectors`);
    const events = entry['events'].map((sel, j): EventSelector => {
      const sp = [...path, 'events', j];
      if (!isPlainObject(sel)) throw fail(sp, 'an event selector must be a map');
      for (const key of Object.keys(sel)) if (!['channel', 'event_id', 'provider', 'where', 'fields'].includes(key)) throw fail([...sp, key], `unknown event selector key '${key}'; known: channel, event_id, provider, where, fields`);
      const where: Record<string, string[]> = {};
      if (sel['where'] !== undefined) {
        if (!isPlainObject(sel['where'])) throw fail([...sp, 'where'], `'where' must be a map`);
        for (const [f, vals] of Object.entries(sel['where'])) where[f] = (Array.isArray(vals) ? vals : [vals]).map((x) => String(x).toLowerCase());
      }
      const fields: Record<string, string> = {};
      if (sel['fields'] !== undefined) {
        if (!isPlainObject(sel['fields'])) throw fail([...sp, 'fields'], `'fields' must be a map`);
        for (const [f, to] of Object.entries(sel['fields'])) fields[f] = String(to);
      }
      const ids = sel['event_id'];
      return {
        channel: sel['channel'] === undefined ? undefined : String(sel['channel']),
        eventIds: ids === undefined ? undefined : (Array.isArray(ids) ? ids : [ids]).map(String),
        provider: sel['provider'] === undefined ? undefined : String(sel['provider']),
        where,
        fields,
      };
    });
    const str = (k: string) => (typeof entry[k] === 'string' ? (entry[k] as string) : undefined);
    return { product: str('product'), category: str('category'), service: str('service'), events };
  });
}
