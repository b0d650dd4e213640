/** Loaded Sigma rules: list with filters and paging, get one, and retrohunt one over stored events. */
import { retrohunt, ruleEngine, type EventScanSource, type RetrohuntLimits } from '../../detect/retrohunt.js';
import type { AnyRule } from '../../sigma/model/types.js';
import { HttpError, intParam, parseJsonObject, sendJson } from '../http.js';
import type { RouteDef } from '../router.js';
import { requestRange } from './events.js';

export interface RuleRoutesDeps {
  /** The rule set in force now (it may be swapped by a reload, so it is read on every request). */
  rules: () => readonly AnyRule[];
  events: EventScanSource;
  /** Server-side caps; a request may ask for fewer matches, never more. */
  retrohunt?: Partial<RetrohuntLimits>;
  /** Retrohunts running at once; one more answers 429. Default 2. */
  maxConcurrentRetrohunts?: number;
  now?: () => number;
}

/** The id an alert shows for a rule (`RuleMatch.ruleId`): its id, else its title. */
export function ruleKey(rule: AnyRule): string {
  return rule.id ?? rule.title;
}

function summary(rule: AnyRule) {
  return {
    id: ruleKey(rule),
    title: rule.title,
    type: rule.type,
    level: rule.level ?? null,
    status: rule.status ?? null,
    tags: rule.tags,
    logsource: rule.type === 'correlation' ? null : rule.logsource,
    file: rule.file,
  };
}

function detail(rule: AnyRule) {
  return {
    ...summary(rule),
    name: rule.name ?? null,
    description: rule.description ?? null,
    author: rule.author ?? null,
    references: rule.references,
    falsepositives: rule.falsepositives,
    date: rule.date ?? null,
    modified: rule.modified ?? null,
    line: rule.location.line ?? null,
    ...(rule.type === 'rule' ? { fields: rule.fields } : {}),
    ...(rule.type === 'correlation' ? { correlation: { type: rule.correlationType, rules: rule.rules, groupBy: rule.groupBy, timespanMs: rule.timespan } } : {}),
    ...(rule.type === 'filter' ? { appliesTo: rule.rules } : {}),
  };
}

const byKey = new WeakMap<readonly AnyRule[], Map<string, AnyRule>>();

/** First rule with this key in the set; the index is built once per rule set. */
function findRule(rules: readonly AnyRule[], key: string): AnyRule | undefined {
  let index = byKey.get(rules);
  if (!index) {
    index = new Map();
    for (const r of rules) if (!index.has(ruleKey(r))) index.set(ruleKey(r), r);
    byKey.set(rules, index);
  }
  return index.get(key);
}

const LIST_FILTERS = ['type', 'level', 'status', 'product', 'category', 'service'] as const;

function matchesList(rule: AnyRule, params: URLSearchParams): boolean {
  for (const name of LIST_FILTERS) {
    const want = params.get(name);
    if (want === null || want === '') continue;
    const have = name === 'type' ? rule.type
      : name === 'level' ? rule.level
        : name === 'status' ? rule.status
          : rule.type === 'correlation' ? undefined : rule.logsource[name];
    if ((have ?? '').toLowerCase() !== want.toLowerCase()) return false;
  }
  const tag = params.get('tag');
  if (tag && !rule.tags.some((t) => t.toLowerCase() === tag.toLowerCase())) return false;
  const q = params.get('q')?.toLowerCase();
  if (q && !rule.title.toLowerCase().includes(q) && !ruleKey(rule).toLowerCase().includes(q)) return false;
  return true;
}

function positiveInt(v: unknown, name: string): number | undefined {
  if (v === undefined || v === null) return undefined;
  if (typeof v === 'number' && Number.isInteger(v) && v >= 1) return v;
  throw new HttpError(400, 'api.param', `'${name}' must be a positive integer`);
}

export function ruleRoutes(deps: RuleRoutesDeps): RouteDef[] {
  const now = deps.now ?? Date.now;
  const maxConcurrent = deps.maxConcurrentRetrohunts ?? 2;
  let running = 0;
  return [
    {
      method: 'GET', path: '/api/v1/rules', permission: 'rules:read',
      summary: 'List loaded rules (filters: q, type, level, status, tag, product, category, service; paging: limit, offset)',
      handler: ({ res, url }) => {
        const limit = Math.min(intParam(url.searchParams, 'limit', 50), 500);
        const offset = intParam(url.searchParams, 'offset', 0);
        const found = deps.rules().filter((r) => matchesList(r, url.searchParams));
        sendJson(res, 200, { total: found.length, limit, offset, rules: found.slice(offset, offset + limit).map(summary) });
      },
    },
    {
      method: 'GET', path: '/api/v1/rules/:id', permission: 'rules:read', summary: 'Get one loaded rule',
      handler: ({ res, params }) => {
        const rule = findRule(deps.rules(), params['id']!);
        if (!rule) throw new HttpError(404, 'api.not_found', 'rule not found');
        sendJson(res, 200, detail(rule));
      },
    },
    {
      method: 'POST', path: '/api/v1/rules/:id/retrohunt', permission: 'search',
      summary: 'Run one detection rule over stored events of a time range ({from, to, limit})',
      handler: async ({ res, params, body }) => {
        const rules = deps.rules();
        const rule = findRule(rules, params['id']!);
        if (!rule) throw new HttpError(404, 'api.not_found', 'rule not found');
        if (rule.type !== 'rule') {
          throw new HttpError(400, 'api.rule.type', `retrohunt runs detection rules; '${ruleKey(rule)}' is a ${rule.type} rule`);
        }
        const raw = await body();
        const input = raw.length === 0 ? {} : parseJsonObject(raw);
        const range = requestRange(input['from'] ?? '-24h', input['to'] ?? 'now', now());
        const cap = deps.retrohunt?.maxMatches ?? 1000;
        const limit = Math.min(positiveInt(input['limit'], 'limit') ?? cap, cap);
        if (running >= maxConcurrent) {
          res.setHeader('retry-after', '5');
          throw new HttpError(429, 'api.busy', `${running} retrohunts are running; try again shortly`);
        }
        running++;
        const abort = new AbortController();
        // The response closing before it was written means the client went away: stop scanning.
        const onClose = (): void => { if (!res.writableEnded) abort.abort(); };
        res.once('close', onClose);
        try {
          const result = await retrohunt(rule, ruleEngine(rule, rules), deps.events, {
            ...deps.retrohunt, range, maxMatches: limit, signal: abort.signal,
          });
          if (!abort.signal.aborted) sendJson(res, 200, result);
        } finally {
          running--;
          res.off('close', onClose);
        }
      },
    },
  ];
}
