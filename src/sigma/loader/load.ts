import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join, extname } from 'node:path';
import { VigilError } from '../../core/errors.js';
import type { ModifierOptions } from '../model/modifiers.js';
import type { AnyRule } from '../model/types.js';
import { parseRuleDocument } from './rule-parser.js';
import { parseYamlDocumentsFast } from './yaml-fast.js';
import { MAX_RULE_FILE_BYTES, parseYamlDocuments } from './yaml-source.js';

export interface LoadOptions extends ModifierOptions {
  /**
   * 'auto' (default): js-yaml first, the `yaml` lib when js-yaml fails or the file has any error
   * (so errors always come from one place, with line, column and field path). 'precise': the
   * `yaml` lib only.
   */
  yamlParser?: 'auto' | 'precise';
}

export interface PlaceholderNote {
  file: string;
  line?: number;
  rule: string;
  placeholders: string[];
}

export interface RuleSet {
  rules: AnyRule[];
  files: number;
  errors: VigilError[];
  /** Rules that loaded but cannot run as they are (reason given). */
  unsupported: { file: string; line?: number; rule: string; reason: string }[];
  /** Rules that use `|expand` placeholders without configured values. */
  placeholders: PlaceholderNote[];
}

const RULE_EXTENSIONS = new Set(['.yml', '.yaml']);

/** A rule file with what `stat` said about it (the parsed-rule cache keys on size and mtime). */
export interface RuleFileStat {
  path: string;
  size: number;
  mtimeMs: number;
}

/** Lists rule files under the given files and folders (recursively), sorted for stable output, with their stats. */
export function statRuleFiles(paths: string[]): { files: RuleFileStat[]; errors: VigilError[] } {
  const files: RuleFileStat[] = [];
  const errors: VigilError[] = [];
  const walk = (path: string, explicit: boolean) => {
    let st;
    try {
      st = statSync(path);
    } catch (err) {
      errors.push(new VigilError('sigma.path.missing', `cannot read '${path}': ${(err as NodeJS.ErrnoException).code ?? 'error'}`, { file: path }, { cause: err }));
      return;
    }
    if (st.isDirectory()) {
      for (const entry of readdirSync(path).sort()) {
        if (entry.startsWith('.')) continue;
        walk(join(path, entry), false);
      }
    } else if (explicit || RULE_EXTENSIONS.has(extname(path).toLowerCase())) {
      files.push({ path, size: st.size, mtimeMs: st.mtimeMs });
    }
  };
  for (const p of paths) walk(p, true);
  return { files, errors };
}

/** Lists rule files under the given files and folders (recursively), sorted for stable output. */
export function findRuleFiles(paths: string[]): { files: string[]; errors: VigilError[] } {
  const { files, errors } = statRuleFiles(paths);
  return { files: files.map((f) => f.path), errors };
}

/** Loads rules from files and folders. Never stops on a bad rule: every problem is collected with its location. */
export function loadRules(paths: string[], options: LoadOptions = {}): RuleSet {
  const { files, errors } = findRuleFiles(paths);
  return loadRuleFiles(files, errors, options);
}

/** Parses the listed rule files; `errors` (from listing them) come first in the set's errors. */
export function loadRuleFiles(files: string[], errors: VigilError[], options: LoadOptions = {}): RuleSet {
  const set: RuleSet = { rules: [], files: files.length, errors: [...errors], unsupported: [], placeholders: [] };
  for (const file of files) {
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch (err) {
      set.errors.push(new VigilError('sigma.file.unreadable', `cannot read rule file: ${(err as NodeJS.ErrnoException).code ?? 'error'}`, { file }, { cause: err }));
      continue;
    }
    addRuleText(set, text, file, options);
  }
  reportDuplicates(set);
  return set;
}

/** Parses rule text (one file's content) into an existing rule set. */
export function addRuleText(set: RuleSet, text: string, file: string, options: LoadOptions = {}): void {
  const { yamlParser = 'auto', ...modifierOptions } = options;
  if (yamlParser === 'auto' && text.length <= MAX_RULE_FILE_BYTES) {
    const fast = parseYamlDocumentsFast(text, file);
    const parsed = fast?.map((doc) => parseRuleDocument(doc, modifierOptions));
    if (parsed && parsed.every((p) => p.errors.length === 0)) {
      for (const p of parsed) if (p.rule) addRule(set, p.rule, file);
      return;
    }
  }
  const { docs, errors } = parseYamlDocuments(text, file);
  set.errors.push(...errors);
  for (const doc of docs) {
    const parsed = parseRuleDocument(doc, modifierOptions);
    set.errors.push(...parsed.errors);
    if (parsed.rule) addRule(set, parsed.rule, file);
  }
}

function addRule(set: RuleSet, rule: AnyRule, file: string): void {
  set.rules.push(rule);
  if (rule.type === 'rule' && rule.placeholders.length > 0) {
    set.placeholders.push({ file, line: rule.location.line, rule: rule.id ?? rule.title, placeholders: rule.placeholders });
  }
  if (rule.status === 'unsupported') {
    set.unsupported.push({ file, line: rule.location.line, rule: rule.id ?? rule.title, reason: `status is 'unsupported'` });
  }
}

/** Convenience for tests and embedding: loads rules from YAML text. */
export function loadRulesFromText(text: string, file = '<text>', options: LoadOptions = {}): RuleSet {
  const set: RuleSet = { rules: [], files: 1, errors: [], unsupported: [], placeholders: [] };
  addRuleText(set, text, file, options);
  reportDuplicates(set);
  return set;
}

function reportDuplicates(set: RuleSet): void {
  const seen = new Map<string, AnyRule>();
  for (const rule of set.rules) {
    if (!rule.id) continue;
    const first = seen.get(rule.id);
    if (first) {
      set.errors.push(new VigilError('sigma.rule.duplicate_id', `rule id ${rule.id} is also used by ${first.file}:${first.location.line ?? 0}`, { ...rule.location, field: 'id' }));
    } else seen.set(rule.id, rule);
  }
}
