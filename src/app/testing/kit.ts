/**
 * For tests that run the real server: a temporary folder with the test's rule files, `startVigil` on
 * loopback with an admin token, and a small JSON client. Only tests import this.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startVigil, type RunningVigil, type ServeOptions } from '../start.js';

export interface TestServer {
  vigil: RunningVigil;
  /** The temporary folder: `data/` and `rules/` are in it. */
  dir: string;
  rulesDir: string;
  /** Stops the server and removes the folder. */
  close(): Promise<void>;
}

export interface TestServerOptions extends Omit<ServeOptions, 'rules' | 'env'> {
  /** Becomes VIGIL_ADMIN_TOKEN. */
  adminToken: string;
  /** Rule files to write into `rules/`: file name -> YAML text. */
  rules?: Record<string, string>;
  /** Rule files or folders to load instead of `rules/` (the SigmaHQ corpus, say). */
  rulePaths?: string[];
}

/** Starts the real server over a new temporary folder, silently (no log, no token print). */
export async function startTestServer(name: string, options: TestServerOptions): Promise<TestServer> {
  const { adminToken, rules = {}, rulePaths, ...serve } = options;
  const dir = mkdtempSync(join(tmpdir(), `vigil-${name}-`));
  const rulesDir = join(dir, 'rules');
  mkdirSync(rulesDir);
  for (const [file, text] of Object.entries(rules)) writeFileSync(join(rulesDir, file), text);
  try {
    const vigil = await startVigil({
      dataDir: join(dir, 'data'), port: 0, log: () => {}, print: () => {}, ...serve,
      rules: rulePaths ?? [rulesDir], env: { VIGIL_ADMIN_TOKEN: adminToken },
    });
    return {
      vigil, dir, rulesDir,
      close: async () => {
        await vigil.close();
        rmSync(dir, { recursive: true, force: true });
      },
    };
  } catch (err) {
    rmSync(dir, { recursive: true, force: true });
    throw err;
  }
}

export const bearer = (token: string): Record<string, string> => ({ authorization: `Bearer ${token}` });

export interface JsonAnswer {
  status: number;
  // Answers are read field by field in tests; the assertions are the type checks.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  json: any;
  text: string;
  type: string | null;
  headers: Headers;
}

export type JsonCall = (method: string, path: string, body?: unknown, headers?: Record<string, string>) => Promise<JsonAnswer>;

/**
 * A client for `baseUrl()` (read at each call, so it can be made before the server starts): `body`
 * is sent as JSON, or as it is when it is a string (NDJSON); `headers` default to `defaults`.
 */
export function jsonClient(baseUrl: () => string, defaults: Record<string, string> = {}): JsonCall {
  return async (method, path, body, headers = defaults) => {
    const r = await fetch(`${baseUrl()}${path}`, {
      method, headers,
      body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
    });
    const text = await r.text();
    let json: unknown;
    try { json = JSON.parse(text); } catch { json = undefined; }
    return { status: r.status, json, text, type: r.headers.get('content-type'), headers: r.headers };
  };
}

export interface SysmonProcessEvent {
  host?: string;
  /** ISO 8601; default now. */
  time?: string;
  image: string;
  commandLine?: string;
  user?: string;
  recordId?: number;
  /** More EventData fields. */
  data?: Record<string, string>;
}

/** A Sysmon process-creation record (event 1) in the evtx JSON layout. */
export function sysmonProcess(e: SysmonProcessEvent): Record<string, unknown> {
  return {
    Event: {
      System: {
        Provider: { '#attributes': { Name: 'Microsoft-Windows-Sysmon' } },
        EventID: 1,
        Channel: 'Microsoft-Windows-Sysmon/Operational',
        Computer: e.host ?? 'ws01.corp.example',
        TimeCreated: { '#attributes': { SystemTime: e.time ?? new Date().toISOString() } },
        EventRecordID: e.recordId ?? 1000,
      },
      EventData: { Image: e.image, CommandLine: e.commandLine ?? e.image, User: e.user ?? 'CORP\\alice', ...e.data },
    },
  };
}

/** A Sigma rule on process creation (Sysmon event 1) whose `Image` ends with `image`, e.g. `\\whoami.exe`. */
export function imageRule(rule: { id: string; title: string; image: string; level?: string }): string {
  return `
title: ${rule.title}
id: ${rule.id}
level: ${rule.level ?? 'medium'}
logsource: { product: windows, category: process_creation }
detection:
  selection:
    Image|endswith: '${rule.image}'
  condition: selection
`;
}
