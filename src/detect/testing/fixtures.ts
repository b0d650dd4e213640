// Test support only: rule files in a temp folder, a real SQLite store, committed events for the stage.
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { EventObject } from '../../core/event.js';
import type { NewEvent, Stores } from '../../storage/ports.js';
import { openSqliteStores } from '../../storage/sqlite/index.js';
import { DetectionStage, type DetectionStageOptions } from '../stage.js';
import type { StageEvent } from '../types.js';

export const T0 = Date.parse('2025-03-01T12:00:00Z');

export const MIMIKATZ = `title: Mimikatz command line
id: 44444444-4444-4444-8444-444444444444
author: Vigil tests
level: high
tags: [attack.t1003]
logsource: { category: process_creation }
detection:
  sel:
    process.command_line|contains: mimikatz
  condition: sel
`;

export const WHOAMI = `title: Whoami
id: 77777777-7777-4777-8777-777777777777
author: Vigil tests
level: low
logsource: { category: process_creation }
detection:
  sel:
    process.command_line|endswith: whoami
  condition: sel
`;

/** event_count >= 3 failed logons per user in 5 minutes; the base rule alerts only through it. */
export const BRUTE_FORCE = `title: Failed logon
id: 55555555-5555-4555-8555-555555555555
name: failed_logon
author: Base Author
logsource: { category: authentication }
detection:
  sel: { event.outcome: failure }
  condition: sel
---
title: Many failed logons
id: 66666666-6666-4666-8666-666666666666
author: Corr Author
level: high
tags: [attack.t1110]
correlation:
  type: event_count
  rules: [failed_logon]
  group-by: [user.name]
  timespan: 5m
  condition: { gte: 3 }
`;

/** A correlation with `generate: true`: its base rule alerts on its own as well. */
export const SUDO_BURST = `title: Sudo use
id: 88888888-8888-4888-8888-888888888888
name: sudo_use
author: Base Author
level: low
logsource: { category: process_creation }
detection:
  sel: { process.name: sudo }
  condition: sel
---
title: Sudo burst
id: 99999999-9999-4999-8999-999999999999
author: Corr Author
level: medium
correlation:
  type: event_count
  rules: [sudo_use]
  group-by: [host.name]
  timespan: 1m
  condition: { gte: 2 }
  generate: true
`;

export interface Fixture {
  dir: string;
  stores: Stores;
  /** Writes `files` (name -> YAML) into a new rule folder and returns its path. */
  rules(files: Record<string, string>): string;
  /** Commits the events like ingest does and returns them as the stage takes them. */
  commit(originals: EventObject[], receivedAt?: number): StageEvent[];
  stage(rules: string[], options?: Partial<DetectionStageOptions>): DetectionStage;
  close(): Promise<void>;
}

export function fixture(): Fixture {
  const dir = mkdtempSync(join(tmpdir(), 'vigil-detect-'));
  const stores = openSqliteStores(':memory:');
  const stages: DetectionStage[] = [];
  let folders = 0;
  return {
    dir,
    stores,
    rules(files) {
      const folder = join(dir, `rules${folders++}`);
      mkdirSync(folder);
      for (const [name, text] of Object.entries(files)) writeFileSync(join(folder, name), text);
      return folder;
    },
    commit(originals, receivedAt = T0) {
      const batch: NewEvent[] = originals.map((o) => {
        const host = (o['host'] as { name?: string } | undefined)?.name;
        const user = (o['user'] as { name?: string } | undefined)?.name;
        return { core: { ...(host ? { 'host.name': host } : {}), ...(user ? { 'user.name': user } : {}) }, logsource: {}, original: o, profile: 'generic' };
      });
      const ids = stores.events.append(batch, receivedAt);
      return batch.map((e, i) => ({ id: ids[i]!, core: e.core, logsource: e.logsource, original: e.original, receivedAt }));
    },
    stage(rules, options = {}) {
      const s = new DetectionStage({ rules, alerts: stores.alerts, transaction: stores.transaction, ...options });
      stages.push(s);
      return s;
    },
    async close() {
      await Promise.all(stages.map((s) => s.close(2_000)));
      stores.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export const proc = (host: string, commandLine: string, user = 'bob'): EventObject => ({
  host: { name: host }, user: { name: user }, process: { command_line: commandLine },
});

export const logon = (user: string, second: number, host = 'dc1'): EventObject => ({
  '@timestamp': new Date(T0 + second * 1000).toISOString(), host: { name: host }, user: { name: user }, event: { outcome: 'failure' },
});
