import type { Command } from 'commander';
import { loadRules } from '../../sigma/loader/load.js';
import { SigmaEngine } from '../../sigma/engine/engine.js';
import { loadPipeline } from '../../sigma/pipeline/load.js';
import type { VigilError } from '../../core/errors.js';

export function registerRulesCommands(program: Command): void {
  const rules = program.command('rules').description('work with Sigma rule files');
  rules
    .command('check')
    .description('load Sigma rules (files or folders, recursively) and report every error with file:line')
    .argument('<paths...>', 'rule files or folders')
    .option('--json', 'print one JSON object: {"loaded","errors":[{file,line,column,field,message}],"unsupported","placeholders"}')
    .option('--placeholder <name=value>', 'value for an |expand placeholder (repeat for more), e.g. Administrators=adm_*', (v: string, p: string[]) => [...p, v], [] as string[])
    .action((paths: string[], opts: { json?: boolean; placeholder?: string[] }) => {
      const placeholders = parsePlaceholders(opts.placeholder ?? []);
      const set = loadRules(paths, { placeholders });
      // Compiling catches what parsing cannot (invalid regexes, CIDRs) so `check` means "will run".
      const compileErrors: VigilError[] = [];
      SigmaEngine.compile(set.rules, loadPipeline('generic'), { errors: compileErrors });
      const errors = [...set.errors, ...compileErrors];
      if (opts.json) {
        const out = {
          loaded: set.rules.length,
          files: set.files,
          errors: errors.map((e) => ({ file: e.location.file ?? null, line: e.location.line ?? null, column: e.location.column ?? null, field: e.location.field ?? null, code: e.code, message: e.message })),
          unsupported: set.unsupported,
          placeholders: set.placeholders,
        };
        process.stdout.write(JSON.stringify(out) + '\n');
      } else {
        for (const e of errors) process.stdout.write(`error: ${e.describe()}\n`);
        for (const u of set.unsupported) process.stdout.write(`unsupported: ${u.file}:${u.line ?? 0}: ${u.rule}: ${u.reason}\n`);
        for (const p of set.placeholders) process.stdout.write(`placeholders unset: ${p.file}:${p.line ?? 0}: ${p.placeholders.map((x) => `%${x}%`).join(', ')}\n`);
        process.stdout.write(`${set.files} files, ${set.rules.length} rules loaded, ${errors.length} errors, ${set.unsupported.length} unsupported, ${set.placeholders.length} need placeholder values\n`);
      }
      process.exitCode = errors.length > 0 ? 1 : 0;
    });
}

export function parsePlaceholders(items: string[]): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const item of items) {
    const eq = item.indexOf('=');
    if (eq <= 0) throw new Error(`--placeholder takes name=value, got '${item}'`);
    const name = item.slice(0, eq).replace(/^%|%$/g, '');
    (out[name] ??= []).push(item.slice(eq + 1));
  }
  return out;
}
