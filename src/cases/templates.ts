/**
 * Case templates: YAML files (one template each, named like the file) with a description, severity,
 * TLP/PAP, tags and a task list along the NIST SP 800-61 phases. Every problem is collected with
 * file:line:column and the field path; one bad file never hides the good ones.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, extname, join } from 'node:path';
import { VigilError } from '../core/errors.js';
import { parseYamlDocuments, type YamlDoc } from '../sigma/loader/yaml-source.js';
import { LIMITS } from './validate.js';
import { PAPS, PHASES, SEVERITIES, TLPS, type Pap, type Phase, type Severity, type Tlp } from './types.js';

export interface TemplateTask {
  title: string;
  phase: Phase;
  /** Due this long after the case is opened (ms), if set. */
  dueInMs: number | null;
}

export interface CaseTemplate {
  name: string;
  title: string;
  description: string;
  severity: Severity;
  tlp: Tlp;
  pap: Pap;
  tags: string[];
  tasks: TemplateTask[];
  file: string;
}

export interface TemplateSet {
  templates: Map<string, CaseTemplate>;
  errors: VigilError[];
}

const KEYS = ['name', 'title', 'description', 'severity', 'tlp', 'pap', 'tags', 'tasks'];
const TASK_KEYS = ['title', 'phase', 'due_in'];
const UNITS: Record<string, number> = { m: 60_000, h: 3_600_000, d: 86_400_000 };

/** `30m`, `4h`, `2d` -> ms. */
export function parseDuration(text: string): number | undefined {
  const m = /^(\d{1,4})([mhd])$/.exec(text);
  return m ? Number(m[1]) * UNITS[m[2]!]! : undefined;
}

/** Validates one parsed template document; errors go to `errors`, the template only when it is whole. */
export function templateFromDoc(doc: YamlDoc, name: string, errors: VigilError[]): CaseTemplate | undefined {
  const start = errors.length;
  const fail = (path: (string | number)[], message: string): void => {
    errors.push(new VigilError('cases.template.invalid', message, doc.locate(path)));
  };
  const v = doc.value;
  if (!v || typeof v !== 'object' || Array.isArray(v)) {
    fail([], 'a template must be a mapping');
    return undefined;
  }
  const t = v as Record<string, unknown>;
  for (const k of Object.keys(t)) if (!KEYS.includes(k)) fail([k], `unknown key '${k}' (known: ${KEYS.join(', ')})`);
  const text = (key: string, max: number): string => {
    const s = t[key];
    if (typeof s !== 'string' || !s.trim()) { fail([key], `'${key}' must be a non-empty string`); return ''; }
    if (s.length > max) fail([key], `'${key}' is longer than ${max} characters`);
    return s.trim();
  };
  const pick = <T extends string>(key: string, values: readonly T[], fallback?: T): T => {
    const s = t[key];
    if (s === undefined && fallback !== undefined) return fallback;
    if (typeof s !== 'string' || !(values as readonly string[]).includes(s)) {
      fail([key], `'${key}' must be one of ${values.join(', ')}`);
      return values[0]!;
    }
    return s as T;
  };
  if (t['name'] !== name) fail(['name'], `'name' must be '${name}' (the file name)`);
  const title = text('title', LIMITS.title);
  const description = text('description', LIMITS.description);
  const severity = pick('severity', SEVERITIES);
  const tlp = pick('tlp', TLPS, 'amber');
  const pap = pick('pap', PAPS, 'amber');
  const tags: string[] = [];
  if (t['tags'] !== undefined) {
    if (!Array.isArray(t['tags'])) fail(['tags'], "'tags' must be a list of strings");
    else t['tags'].forEach((tag, i) => {
      if (typeof tag !== 'string' || !tag.trim() || tag.length > LIMITS.tag) fail(['tags', i], `tag must be a non-empty string of at most ${LIMITS.tag} characters`);
      else tags.push(tag.trim());
    });
  }
  const tasks: TemplateTask[] = [];
  const list = t['tasks'];
  if (!Array.isArray(list) || list.length === 0) fail(['tasks'], "'tasks' must be a non-empty list");
  else if (list.length > LIMITS.tasks) fail(['tasks'], `at most ${LIMITS.tasks} tasks`);
  else list.forEach((item, i) => {
    if (!item || typeof item !== 'object' || Array.isArray(item)) { fail(['tasks', i], 'a task must be a mapping with title and phase'); return; }
    const o = item as Record<string, unknown>;
    for (const k of Object.keys(o)) if (!TASK_KEYS.includes(k)) fail(['tasks', i, k], `unknown task key '${k}' (known: ${TASK_KEYS.join(', ')})`);
    const ttl = o['title'];
    if (typeof ttl !== 'string' || !ttl.trim() || ttl.length > LIMITS.title) fail(['tasks', i, 'title'], `task 'title' must be a non-empty string of at most ${LIMITS.title} characters`);
    const phase = o['phase'];
    if (typeof phase !== 'string' || !(PHASES as readonly string[]).includes(phase)) fail(['tasks', i, 'phase'], `task 'phase' must be one of ${PHASES.join(', ')}`);
    let dueInMs: number | null = null;
    if (o['due_in'] !== undefined) {
      const d = typeof o['due_in'] === 'string' ? parseDuration(o['due_in']) : undefined;
      if (d === undefined) fail(['tasks', i, 'due_in'], "task 'due_in' must be a duration like 30m, 4h or 2d");
      else dueInMs = d;
    }
    tasks.push({ title: String(ttl).trim(), phase: phase as Phase, dueInMs });
  });
  if (errors.length > start) return undefined;
  return { name, title, description, severity, tlp, pap, tags, tasks, file: doc.file };
}

/** Loads every `*.yml`/`*.yaml` in `dir` (not recursive). A missing folder gives no templates and one error. */
export function loadTemplates(dir: string): TemplateSet {
  const templates = new Map<string, CaseTemplate>();
  const errors: VigilError[] = [];
  let names: string[];
  try {
    names = readdirSync(dir).filter((f) => /\.ya?ml$/.test(f)).sort();
  } catch (err) {
    errors.push(new VigilError('cases.template.dir', `cannot read the case template folder: ${(err as Error).message}`, { file: dir }));
    return { templates, errors };
  }
  for (const f of names) {
    const file = join(dir, f);
    const name = basename(f, extname(f));
    if (!/^[a-z0-9][a-z0-9-]{0,63}$/.test(name)) {
      errors.push(new VigilError('cases.template.name', 'template file names must be lower-case letters, digits and dashes', { file }));
      continue;
    }
    let text: string;
    try {
      if (statSync(file).size > 256 * 1024) throw new Error('file is larger than 256 KiB');
      text = readFileSync(file, 'utf8');
    } catch (err) {
      errors.push(new VigilError('cases.template.read', `cannot read: ${(err as Error).message}`, { file }));
      continue;
    }
    const parsed = parseYamlDocuments(text, file);
    errors.push(...parsed.errors);
    if (parsed.errors.length) continue;
    if (parsed.docs.length !== 1) {
      errors.push(new VigilError('cases.template.invalid', 'a template file holds exactly one YAML document', { file, line: 1 }));
      continue;
    }
    if (templates.has(name)) {
      errors.push(new VigilError('cases.template.duplicate', `template '${name}' is defined twice`, { file }));
      continue;
    }
    const t = templateFromDoc(parsed.docs[0]!, name, errors);
    if (t) templates.set(name, t);
  }
  return { templates, errors };
}
