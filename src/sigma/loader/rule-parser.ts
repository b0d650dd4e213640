import { VigilError, type Location } from '../../core/errors.js';
import type { LogSource } from '../../core/event.js';
import type { ModifierOptions } from '../model/modifiers.js';
import { LEVELS, type AnyRule, type CorrelationRule, type CorrelationType, type CountCondition, type FilterRule, type Level, type SigmaRule } from '../model/types.js';
import { parseDetection } from './detection-parser.js';
import type { YamlDoc } from './yaml-source.js';

const STATUSES = ['stable', 'test', 'experimental', 'deprecated', 'unsupported'];
const CORRELATION_TYPES: CorrelationType[] = ['event_count', 'value_count', 'temporal', 'temporal_ordered', 'value_sum', 'value_avg', 'value_percentile'];
const CONDITION_OPS = ['gt', 'gte', 'lt', 'lte', 'eq', 'neq'] as const;

const isPlainObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

export interface ParsedDocument {
  rule?: AnyRule;
  errors: VigilError[];
}

/** Turns one YAML document into a detection, correlation or filter rule, collecting every error found. */
export function parseRuleDocument(doc: YamlDoc, options: ModifierOptions = {}): ParsedDocument {
  const errors: VigilError[] = [];
  const v = doc.value;
  if (!isPlainObject(v)) {
    return { errors: [new VigilError('sigma.rule.invalid', 'a rule document must be a map', doc.locate([]))] };
  }
  const meta = parseMeta(v, doc, errors);
  if (v['correlation'] !== undefined) {
    const rule = parseCorrelation(v['correlation'], doc, errors);
    return errors.length > 0 || !rule || !meta ? { errors } : { rule: { ...meta, ...rule }, errors };
  }
  const logsource = parseLogsource(v['logsource'], doc, errors);
  if (v['filter'] !== undefined) {
    const f = v['filter'];
    if (!isPlainObject(f)) {
      errors.push(new VigilError('sigma.rule.invalid', `'filter' must be a map with rules, search identifiers and a condition`, doc.locate(['filter'])));
      return { errors };
    }
    const rules = stringList(f['rules'], doc, ['filter', 'rules'], errors, true);
    const { rules: _r, ...detectionSection } = f;
    const parsed = parseDetection(detectionSection, doc, ['filter'], options);
    errors.push(...parsed.errors);
    if (errors.length > 0 || !meta || !parsed.detection || !logsource) return { errors };
    const rule: FilterRule = { ...meta, type: 'filter', logsource, rules, detection: parsed.detection };
    return { rule, errors };
  }
  if (v['detection'] === undefined) {
    errors.push(new VigilError('sigma.rule.invalid', `a rule needs 'detection', 'correlation' or 'filter'`, doc.locate([])));
    return { errors };
  }
  const parsed = parseDetection(v['detection'], doc, ['detection'], options);
  errors.push(...parsed.errors);
  const fields = v['fields'] === undefined ? [] : stringList(v['fields'], doc, ['fields'], errors, false);
  if (errors.length > 0 || !meta || !parsed.detection || !logsource) return { errors };
  const rule: SigmaRule = { ...meta, type: 'rule', logsource, detection: parsed.detection, fields, placeholders: parsed.placeholders };
  return { rule, errors };
}

type Meta = Omit<SigmaRule, 'type' | 'logsource' | 'detection' | 'fields' | 'placeholders'>;

function parseMeta(v: Record<string, unknown>, doc: YamlDoc, errors: VigilError[]): Meta | undefined {
  const start = errors.length;
  const title = v['title'];
  if (typeof title !== 'string' || title.length === 0) errors.push(new VigilError('sigma.rule.invalid', `'title' is required and must be a string`, doc.locate(['title'])));
  else if (title.length > 256) errors.push(new VigilError('sigma.rule.invalid', `'title' is longer than 256 characters`, doc.locate(['title'])));
  const optionalString = (key: string): string | undefined => {
    const value = v[key];
    if (value === undefined || value === null) return undefined;
    if (typeof value === 'string') return value;
    if (typeof value === 'number' && (key === 'date' || key === 'modified')) return String(value);
    errors.push(new VigilError('sigma.rule.invalid', `'${key}' must be a string`, doc.locate([key])));
    return undefined;
  };
  const id = optionalString('id');
  const name = optionalString('name');
  const status = optionalString('status');
  if (status !== undefined && !STATUSES.includes(status)) {
    errors.push(new VigilError('sigma.rule.invalid', `'status' must be one of ${STATUSES.join(', ')}`, doc.locate(['status'])));
  }
  const level = optionalString('level');
  if (level !== undefined && !LEVELS.includes(level as Level)) {
    errors.push(new VigilError('sigma.rule.invalid', `'level' must be one of ${LEVELS.join(', ')}`, doc.locate(['level'])));
  }
  const location: Location = doc.locate([]);
  const meta: Meta = {
    id,
    name,
    title: typeof title === 'string' ? title : '',
    description: optionalString('description'),
    author: optionalString('author'),
    status,
    level: level as Level | undefined,
    tags: v['tags'] === undefined ? [] : stringList(v['tags'], doc, ['tags'], errors, false),
    references: v['references'] === undefined ? [] : stringList(v['references'], doc, ['references'], errors, false),
    falsepositives: v['falsepositives'] === undefined ? [] : stringList(v['falsepositives'], doc, ['falsepositives'], errors, false),
    date: optionalString('date'),
    modified: optionalString('modified'),
    file: doc.file,
    location: { file: location.file, line: location.line, column: location.column },
  };
  return errors.length > start ? undefined : meta;
}

function parseLogsource(value: unknown, doc: YamlDoc, errors: VigilError[]): LogSource | undefined {
  if (!isPlainObject(value)) {
    errors.push(new VigilError('sigma.rule.invalid', `'logsource' is required and must be a map`, doc.locate(['logsource'])));
    return undefined;
  }
  const out: LogSource = {};
  for (const key of ['product', 'category', 'service'] as const) {
    const v = value[key];
    if (v === undefined || v === null) continue;
    if (typeof v !== 'string') errors.push(new VigilError('sigma.rule.invalid', `'logsource.${key}' must be a string`, doc.locate(['logsource', key])));
    else out[key] = v;
  }
  return out;
}

function stringList(value: unknown, doc: YamlDoc, path: string[], errors: VigilError[], required: boolean): string[] {
  if (value === undefined && !required) return [];
  const list = typeof value === 'string' ? [value] : value;
  if (!Array.isArray(list) || (required && list.length === 0) || !list.every((x) => typeof x === 'string' || typeof x === 'number')) {
    errors.push(new VigilError('sigma.rule.invalid', `'${path.join('.')}' must be a ${required ? 'non-empty ' : ''}list of strings`, doc.locate(path)));
    return [];
  }
  return list.map(String);
}

type CorrelationPart = Omit<CorrelationRule, keyof Meta>;

function parseCorrelation(value: unknown, doc: YamlDoc, errors: VigilError[]): CorrelationPart | undefined {
  const start = errors.length;
  if (!isPlainObject(value)) {
    errors.push(new VigilError('sigma.correlation.invalid', `'correlation' must be a map`, doc.locate(['correlation'])));
    return undefined;
  }
  const type = value['type'];
  if (typeof type !== 'string' || !CORRELATION_TYPES.includes(type as CorrelationType)) {
    errors.push(new VigilError('sigma.correlation.invalid', `'correlation.type' must be one of ${CORRELATION_TYPES.join(', ')}`, doc.locate(['correlation', 'type'])));
  }
  const rules = stringList(value['rules'], doc, ['correlation', 'rules'], errors, true);
  const groupBy = value['group-by'] === undefined ? [] : stringList(value['group-by'], doc, ['correlation', 'group-by'], errors, false);
  const timespan = parseTimespan(value['timespan'], doc, errors);
  const condition = parseCountCondition(value['condition'], type as CorrelationType, doc, errors);
  const aliases: Record<string, Record<string, string>> = {};
  const rawAliases = value['aliases'];
  if (rawAliases !== undefined) {
    if (!isPlainObject(rawAliases)) errors.push(new VigilError('sigma.correlation.invalid', `'correlation.aliases' must be a map`, doc.locate(['correlation', 'aliases'])));
    else {
      for (const [alias, mapping] of Object.entries(rawAliases)) {
        if (!isPlainObject(mapping) || !Object.values(mapping).every((f) => typeof f === 'string')) {
          errors.push(new VigilError('sigma.correlation.invalid', `alias '${alias}' must map rule names to field names`, doc.locate(['correlation', 'aliases', alias])));
        } else aliases[alias] = mapping as Record<string, string>;
      }
    }
  }
  const generate = value['generate'] ?? false;
  if (typeof generate !== 'boolean') errors.push(new VigilError('sigma.correlation.invalid', `'correlation.generate' must be true or false`, doc.locate(['correlation', 'generate'])));
  const needsCondition = type !== 'temporal' && type !== 'temporal_ordered';
  if (needsCondition && !condition && errors.length === start) {
    errors.push(new VigilError('sigma.correlation.invalid', `'correlation.condition' is required for ${String(type)}`, doc.locate(['correlation'])));
  }
  const needsField = type === 'value_count' || type === 'value_sum' || type === 'value_avg' || type === 'value_percentile';
  if (needsField && condition && !condition.field) {
    errors.push(new VigilError('sigma.correlation.invalid', `'correlation.condition.field' is required for ${String(type)}`, doc.locate(['correlation', 'condition'])));
  }
  if (errors.length > start || timespan === undefined) return undefined;
  return { type: 'correlation', correlationType: type as CorrelationType, rules, groupBy, timespan, condition, aliases, generate: generate as boolean };
}

const TIMESPAN_UNITS: Record<string, number> = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000, M: 2_592_000_000, y: 31_536_000_000 };

export function parseTimespanText(text: string): number | undefined {
  const m = /^(\d{1,9})([smhdwMy])$/.exec(text);
  return m ? Number(m[1]) * TIMESPAN_UNITS[m[2]!]! : undefined;
}

function parseTimespan(value: unknown, doc: YamlDoc, errors: VigilError[]): number | undefined {
  const ms = typeof value === 'string' ? parseTimespanText(value) : undefined;
  if (ms === undefined || ms === 0) {
    errors.push(new VigilError('sigma.correlation.invalid', `'correlation.timespan' must be a number and a unit (s, m, h, d), e.g. 5m`, doc.locate(['correlation', 'timespan'])));
  }
  return ms;
}

function parseCountCondition(value: unknown, type: CorrelationType, doc: YamlDoc, errors: VigilError[]): CountCondition | undefined {
  if (value === undefined) return undefined;
  const path = ['correlation', 'condition'];
  if (!isPlainObject(value)) {
    errors.push(new VigilError('sigma.correlation.invalid', `'correlation.condition' must be a map like {gte: 10}`, doc.locate(path)));
    return undefined;
  }
  const out: CountCondition = {};
  for (const [key, v] of Object.entries(value)) {
    if (key === 'field') {
      if (typeof v !== 'string' && !(Array.isArray(v) && v.every((x) => typeof x === 'string'))) {
        errors.push(new VigilError('sigma.correlation.invalid', `'condition.field' must be a field name`, doc.locate([...path, key])));
      } else out.field = Array.isArray(v) ? v.join(',') : v;
    } else if ((CONDITION_OPS as readonly string[]).includes(key)) {
      if (typeof v !== 'number') errors.push(new VigilError('sigma.correlation.invalid', `'condition.${key}' must be a number`, doc.locate([...path, key])));
      else out[key as (typeof CONDITION_OPS)[number]] = v;
    } else {
      errors.push(new VigilError('sigma.correlation.invalid', `unknown condition operator '${key}'; known: ${CONDITION_OPS.join(', ')}, field`, doc.locate([...path, key])));
    }
  }
  if (!CONDITION_OPS.some((op) => out[op] !== undefined) && type !== 'temporal' && type !== 'temporal_ordered') {
    errors.push(new VigilError('sigma.correlation.invalid', `'correlation.condition' needs one of ${CONDITION_OPS.join(', ')}`, doc.locate(path)));
  }
  return out;
}
