import { readdirSync } from 'node:fs';
import { join } from 'node:path';

/** Every `.evtx` file under `dir`, recursively, in sorted order. */
export function listEvtxFiles(dir: string, out: string[] = []): string[] {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, entry.name);
    if (entry.isDirectory()) listEvtxFiles(p, out);
    else if (entry.name.toLowerCase().endsWith('.evtx')) out.push(p);
  }
  return out.sort();
}
