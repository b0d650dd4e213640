import { readdirSync, statSync } from 'node:fs';
import { extname, join } from 'node:path';
import { VigilError, errorMessage } from '../../core/errors.js';
import type { EventObject } from '../../core/event.js';
import { readEvtx } from '../../formats/evtx/index.js';
import { readJsonEvents } from '../read-events.js';

const EXTENSIONS = new Set(['.evtx', '.json', '.jsonl']);

/**
 * Expands the given paths into log files: folders are walked recursively for .evtx, .json and
 * .jsonl (following links to files, not to folders); a file named directly is taken whatever its
 * extension. A missing path throws.
 */
export function findLogFiles(paths: string[]): string[] {
  const files: string[] = [];
  const walk = (dir: string) => {
    const entries = readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const e of entries) {
      const p = join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else if (EXTENSIONS.has(extname(e.name).toLowerCase()) && (e.isFile() || (e.isSymbolicLink() && isFile(p)))) files.push(p);
    }
  };
  for (const path of paths) {
    let st;
    try {
      st = statSync(path);
    } catch {
      throw new VigilError('input.missing', `path '${path}' does not exist`, { file: path });
    }
    if (st.isDirectory()) walk(path);
    else files.push(path);
  }
  return files;
}

/** A symbolic link to a file is followed; links to folders are not (no loops). */
function isFile(path: string): boolean {
  try {
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

/** One event read from a log file. */
export interface LogEvent {
  event: EventObject;
  /** EVTX record id; undefined for JSON (the event's own EventRecordID is used then). */
  recordId?: string;
  /** EVTX record header time, a fallback when the event has no time of its own. */
  recordTime?: string;
}

/**
 * Reads one file's events. Damaged records or bad JSON values go to `onIssue` and are skipped;
 * a file that cannot be opened or read throws.
 */
export async function* readLogFile(file: string, onIssue: (message: string) => void): AsyncGenerator<LogEvent> {
  if (extname(file).toLowerCase() === '.evtx') {
    const records = readEvtx(file, { onIssue: (issue) => { if (issue.severity === 'error') onIssue(errorMessage(issue)); } });
    for await (const r of records) yield { event: r.event, recordId: String(r.recordId), recordTime: r.timestamp };
    return;
  }
  for (const { event } of readJsonEvents(file, (err) => onIssue(err.describe()))) yield { event };
}
