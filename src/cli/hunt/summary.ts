import { LEVEL_ORDER, type TimelineRow } from './rows.js';

/** Counts kept while hunting; rendered on stderr at the end. */
export class HuntSummary {
  files = 0;
  records = 0;
  readonly byLevel = new Map<string, number>();
  readonly byRule = new Map<string, number>();
  readonly byComputer = new Map<string, number>();
  /** file -> problems (unreadable files and damaged records) */
  readonly fileErrors = new Map<string, string[]>();
  detections = 0;

  add(row: TimelineRow): void {
    this.detections++;
    bump(this.byLevel, row.level || 'none');
    bump(this.byRule, row.rule);
    if (row.computer) bump(this.byComputer, row.computer);
  }

  error(file: string, message: string): void {
    const list = this.fileErrors.get(file) ?? [];
    list.push(message);
    this.fileErrors.set(file, list);
  }

  render(elapsedMs: number): string {
    const lines: string[] = [];
    const secs = elapsedMs / 1000;
    lines.push(`hunt: ${this.files} files, ${this.records} records, ${this.detections} detections in ${secs.toFixed(1)}s (${Math.round(this.records / Math.max(secs, 0.001))} records/s)`);
    const levels = [...LEVEL_ORDER].reverse().filter((l) => this.byLevel.has(l)).map((l) => `${l} ${this.byLevel.get(l)}`);
    if (this.byLevel.has('none')) levels.push(`no level ${this.byLevel.get('none')}`);
    if (levels.length) lines.push(`by level: ${levels.join(', ')}`);
    if (this.byRule.size) lines.push('top rules:', ...top(this.byRule, 10).map(([k, n]) => `  ${String(n).padStart(6)}  ${k}`));
    if (this.byComputer.size) lines.push('top computers:', ...top(this.byComputer, 5).map(([k, n]) => `  ${String(n).padStart(6)}  ${k}`));
    if (this.fileErrors.size) {
      lines.push(`files with errors: ${this.fileErrors.size}`);
      for (const [file, errs] of this.fileErrors) lines.push(`  ${file}: ${errs[0]}${errs.length > 1 ? ` (+${errs.length - 1} more)` : ''}`);
    }
    return lines.join('\n') + '\n';
  }
}

function bump(map: Map<string, number>, key: string): void {
  map.set(key, (map.get(key) ?? 0) + 1);
}

function top(map: Map<string, number>, n: number): [string, number][] {
  return [...map].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])).slice(0, n);
}
