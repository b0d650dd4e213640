/** Request bodies -> typed case, task, observable, RCA and review inputs (validate.ts does the field checks). */
import { normalizeObservable, isObservableType, type NormalizedObservable } from './observables.js';
import {
  CASE_STATUSES, OBSERVABLE_TYPES, PAPS, PHASES, SEVERITIES, TASK_STATUSES, TLPS,
  type CaseStatus, type Pap, type Phase, type Severity, type TaskStatus, type Tlp,
} from './types.js';
import {
  LIMITS, actionItems, dateOrNull, invalid, nameOrNull, object, oneOf, positiveIds, rejectUnknown, str, stringList, tags,
} from './validate.js';

export interface CaseFieldsInput {
  title?: string;
  description?: string;
  severity?: Severity;
  tlp?: Tlp;
  pap?: Pap;
  status?: CaseStatus;
  owner?: string | null;
  tags?: string[];
}

export interface ObservableInput extends NormalizedObservable {
  description: string | null;
}

export interface CreateCaseInput extends CaseFieldsInput {
  template?: string;
  alertIds?: number[];
  observables?: ObservableInput[];
  tasks?: TaskInput[];
}

export interface TaskInput {
  title: string;
  phase: Phase | null;
  assignee: string | null;
  due: number | null;
  status: TaskStatus;
}

const FIELD_KEYS = ['title', 'description', 'severity', 'tlp', 'pap', 'status', 'owner', 'tags'];

function caseFields(b: Record<string, unknown>): CaseFieldsInput {
  const out: CaseFieldsInput = {};
  if (b['title'] !== undefined) out.title = str(b['title'], 'title', LIMITS.title);
  if (b['description'] !== undefined) out.description = str(b['description'], 'description', LIMITS.description, { empty: true });
  if (b['severity'] !== undefined) out.severity = oneOf(b['severity'], 'severity', SEVERITIES);
  if (b['tlp'] !== undefined) out.tlp = oneOf(b['tlp'], 'tlp', TLPS);
  if (b['pap'] !== undefined) out.pap = oneOf(b['pap'], 'pap', PAPS);
  if (b['status'] !== undefined) out.status = oneOf(b['status'], 'status', CASE_STATUSES);
  if (b['owner'] !== undefined) out.owner = nameOrNull(b['owner'], 'owner');
  if (b['tags'] !== undefined) out.tags = tags(b['tags']);
  return out;
}

export function parseCreateCase(b: Record<string, unknown>): CreateCaseInput {
  rejectUnknown(b, [...FIELD_KEYS, 'template', 'alertIds', 'observables', 'tasks']);
  const out: CreateCaseInput = caseFields(b);
  if (b['template'] !== undefined) out.template = str(b['template'], 'template', 64);
  if (b['alertIds'] !== undefined) out.alertIds = positiveIds(b['alertIds'], 'alertIds', LIMITS.alerts);
  if (b['observables'] !== undefined) out.observables = parseObservableList(b['observables'], 'observables');
  if (b['tasks'] !== undefined) {
    const list = b['tasks'];
    if (!Array.isArray(list)) throw invalid('tasks', "'tasks' must be an array");
    if (list.length > LIMITS.tasks) throw invalid('tasks', `at most ${LIMITS.tasks} tasks`);
    out.tasks = list.map((t, i) => parseNewTask(object(t, `tasks[${i}]`), `tasks[${i}].`));
  }
  return out;
}

export function parseCaseUpdate(b: Record<string, unknown>): CaseFieldsInput {
  rejectUnknown(b, FIELD_KEYS);
  const out = caseFields(b);
  if (Object.keys(out).length === 0) throw invalid('', `nothing to change: give at least one of ${FIELD_KEYS.join(', ')}`);
  return out;
}

export function parseNewTask(b: Record<string, unknown>, prefix = ''): TaskInput {
  rejectUnknown(b, ['title', 'phase', 'assignee', 'due', 'status'], prefix);
  return {
    title: str(b['title'], `${prefix}title`, LIMITS.title),
    phase: b['phase'] === undefined || b['phase'] === null ? null : oneOf(b['phase'], `${prefix}phase`, PHASES),
    assignee: b['assignee'] === undefined ? null : nameOrNull(b['assignee'], `${prefix}assignee`),
    due: b['due'] === undefined ? null : dateOrNull(b['due'], `${prefix}due`),
    status: b['status'] === undefined ? 'todo' : oneOf(b['status'], `${prefix}status`, TASK_STATUSES),
  };
}

export function parseTaskUpdate(b: Record<string, unknown>): Partial<Omit<TaskInput, 'phase'>> {
  rejectUnknown(b, ['title', 'assignee', 'due', 'status']);
  const out: Partial<Omit<TaskInput, 'phase'>> = {};
  if (b['title'] !== undefined) out.title = str(b['title'], 'title', LIMITS.title);
  if (b['assignee'] !== undefined) out.assignee = nameOrNull(b['assignee'], 'assignee');
  if (b['due'] !== undefined) out.due = dateOrNull(b['due'], 'due');
  if (b['status'] !== undefined) out.status = oneOf(b['status'], 'status', TASK_STATUSES);
  if (Object.keys(out).length === 0) throw invalid('', 'nothing to change: give at least one of title, assignee, due, status');
  return out;
}

export function parseObservable(b: Record<string, unknown>, prefix = ''): ObservableInput {
  rejectUnknown(b, ['type', 'value', 'description'], prefix);
  const type = b['type'];
  if (!isObservableType(type)) throw invalid(`${prefix}type`, `'${prefix}type' must be one of ${OBSERVABLE_TYPES.join(', ')}`);
  const o = normalizeObservable(type, b['value'], `${prefix}value`);
  const description = b['description'] === undefined || b['description'] === null ? null : str(b['description'], `${prefix}description`, 2000);
  return { ...o, description };
}

/** `{observables: [...]}` or one `{type, value}`. */
export function parseObservableList(v: unknown, field: string): ObservableInput[] {
  if (!Array.isArray(v)) throw invalid(field, `'${field}' must be an array of {type, value}`);
  if (v.length > LIMITS.observables) throw invalid(field, `at most ${LIMITS.observables} observables`);
  return v.map((o, i) => parseObservable(object(o, `${field}[${i}]`), `${field}[${i}].`));
}

export function parseComment(b: Record<string, unknown>): string {
  rejectUnknown(b, ['body']);
  return str(b['body'], 'body', LIMITS.comment);
}

export function parseRca(b: Record<string, unknown>): { rootCause: string; contributingFactors: string[] } {
  rejectUnknown(b, ['rootCause', 'contributingFactors']);
  return {
    rootCause: str(b['rootCause'], 'rootCause', LIMITS.text),
    contributingFactors: b['contributingFactors'] === undefined ? [] : stringList(b['contributingFactors'], 'contributingFactors'),
  };
}

export function parsePir(b: Record<string, unknown>): {
  whatHappened: string; impact: string; wentWell: string[]; toImprove: string[]; actionItems: ReturnType<typeof actionItems>;
} {
  rejectUnknown(b, ['whatHappened', 'impact', 'wentWell', 'toImprove', 'actionItems']);
  return {
    whatHappened: str(b['whatHappened'], 'whatHappened', LIMITS.text),
    impact: str(b['impact'], 'impact', LIMITS.text),
    wentWell: b['wentWell'] === undefined ? [] : stringList(b['wentWell'], 'wentWell'),
    toImprove: b['toImprove'] === undefined ? [] : stringList(b['toImprove'], 'toImprove'),
    actionItems: b['actionItems'] === undefined ? [] : actionItems(b['actionItems'], 'actionItems'),
  };
}
