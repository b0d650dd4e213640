/** Case management vocabulary: the enumerations users write and the shapes services hand out. */

export const SEVERITIES = ['low', 'medium', 'high', 'critical'] as const;
export type Severity = (typeof SEVERITIES)[number];

/** Traffic Light Protocol 2.0: who may see the case's information. */
export const TLPS = ['clear', 'green', 'amber', 'amber+strict', 'red'] as const;
export type Tlp = (typeof TLPS)[number];

/** Permissible Actions Protocol: what may be done with the observables (e.g. red: no active lookups). */
export const PAPS = ['clear', 'green', 'amber', 'red'] as const;
export type Pap = (typeof PAPS)[number];

export const CASE_STATUSES = ['open', 'in-progress', 'contained', 'resolved', 'closed'] as const;
export type CaseStatus = (typeof CASE_STATUSES)[number];
/** Statuses of a case still being worked (used by "similar open cases"). */
export const ACTIVE_STATUSES: readonly CaseStatus[] = ['open', 'in-progress', 'contained'];

export const TASK_STATUSES = ['todo', 'in-progress', 'done', 'cancelled'] as const;
export type TaskStatus = (typeof TASK_STATUSES)[number];

/** NIST SP 800-61 incident response phases, used to order template tasks. */
export const PHASES = ['preparation', 'detection-analysis', 'containment', 'eradication', 'recovery', 'post-incident'] as const;
export type Phase = (typeof PHASES)[number];

export const OBSERVABLE_TYPES = ['ip', 'domain', 'url', 'hash', 'user', 'host', 'email'] as const;
export type ObservableType = (typeof OBSERVABLE_TYPES)[number];

export interface ActionItem {
  action: string;
  owner: string;
  /** Epoch ms. */
  due: number | null;
  done: boolean;
}

export interface RootCauseAnalysis {
  rootCause: string;
  contributingFactors: string[];
  updated: number;
  updatedBy: string;
}

export interface PostIncidentReview {
  whatHappened: string;
  impact: string;
  wentWell: string[];
  toImprove: string[];
  actionItems: ActionItem[];
  updated: number;
  updatedBy: string;
}

export interface Case {
  id: number;
  title: string;
  description: string;
  severity: Severity;
  tlp: Tlp;
  pap: Pap;
  status: CaseStatus;
  owner: string | null;
  tags: string[];
  /** The template it was made from, if any. */
  template: string | null;
  createdBy: string;
  created: number;
  updated: number;
  /** When the case first reached 'closed' (epoch ms), for metrics. */
  closed: number | null;
  rca: RootCauseAnalysis | null;
  pir: PostIncidentReview | null;
}

export interface Task {
  id: number;
  caseId: number;
  title: string;
  phase: Phase | null;
  assignee: string | null;
  due: number | null;
  status: TaskStatus;
  created: number;
  updated: number;
}

export interface Observable {
  id: number;
  caseId: number;
  type: ObservableType;
  /** As first recorded (normalized: lower-case domains and hashes, canonical IPs and URLs). */
  value: string;
  /** md5, sha1 or sha256 for hashes; null otherwise. */
  subtype: string | null;
  /** 'manual' or `alert:<id>`. */
  source: string;
  description: string | null;
  addedBy: string;
  added: number;
}

export interface Comment {
  id: number;
  caseId: number;
  author: string;
  /** Markdown as written; never rendered to HTML by the server. */
  body: string;
  created: number;
}

export interface CaseAlertLink {
  caseId: number;
  alertId: number;
  linkedBy: string;
  linked: number;
}

/** An analyst action kept for the timeline. */
export interface Activity {
  id: number;
  caseId: number;
  at: number;
  actor: string;
  kind: string;
  summary: string;
}

/** What a listener (e.g. a ticketing connector) receives: the case as it now is, plus counts. */
export interface CaseSnapshot extends Case {
  alertIds: number[];
  tasks: { total: number; open: number };
  observables: number;
}

export interface CaseChangeEvent {
  type: 'created' | 'updated';
  case: CaseSnapshot;
  /** Who made the change and which parts changed (field names, or 'tasks', 'comments', ...). */
  actor: string;
  changes: string[];
}

export type CaseListener = (event: CaseChangeEvent) => void;

export interface AuditEntry {
  actor: string;
  action: string;
  targetType: string;
  targetId: string;
  before?: unknown;
  after?: unknown;
  /** The actor's kind ('user', 'token', ...) and user id, when known. */
  actorKind?: string;
  actorUserId?: number;
}

/** Where every change is recorded (the coordinator connects the hash-chained audit log). */
export interface AuditSink {
  record(entry: AuditEntry): void;
}

/** Who acts: a user's name or a token's name, with the principal's kind and user id when known. */
export interface Actor {
  name: string;
  kind?: string;
  userId?: number;
}
