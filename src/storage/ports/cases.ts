/** Cases, tasks, observables. */
import type * as C from '../../cases/types.js';

export interface NewCase {
  title: string;
  description: string;
  severity: C.Severity;
  tlp: C.Tlp;
  pap: C.Pap;
  status: C.CaseStatus;
  owner: string | null;
  tags: string[];
  template: string | null;
  createdBy: string;
}

/** Fields a case update may set (rca/pir replace the whole section). */
export type CasePatch = Partial<Pick<C.Case, 'title' | 'description' | 'severity' | 'tlp' | 'pap' | 'status' | 'owner' | 'tags' | 'closed' | 'rca' | 'pir'>>;

export interface CaseListQuery {
  status?: C.CaseStatus[];
  severity?: C.Severity;
  owner?: string;
  tag?: string;
  /** Substring of the title, case-insensitive. */
  text?: string;
  limit?: number;
  offset?: number;
}

export interface NewTask {
  title: string;
  phase: C.Phase | null;
  assignee: string | null;
  due: number | null;
  status: C.TaskStatus;
}

export type TaskPatch = Partial<Pick<C.Task, 'title' | 'assignee' | 'due' | 'status'>>;

export interface NewObservable {
  type: C.ObservableType;
  value: string;
  /** Dedup and sightings key (lower-cased where the type is case-insensitive). */
  key: string;
  subtype: string | null;
  source: string;
  description: string | null;
  addedBy: string;
}

export interface Sighting {
  caseId: number;
  title: string;
  status: C.CaseStatus;
  severity: C.Severity;
  observableId: number;
  added: number;
}

export interface SimilarCase {
  caseId: number;
  title: string;
  status: C.CaseStatus;
  severity: C.Severity;
  /** Observables both cases hold, as `type:value`. */
  shared: { type: C.ObservableType; value: string }[];
}

/** Case management state; writes are plain, the service wraps several in Stores.transaction. */
export interface CaseStore {
  create(c: NewCase, now: number): C.Case;
  get(id: number): C.Case | undefined;
  update(id: number, patch: CasePatch, now: number): C.Case | undefined;
  remove(id: number): boolean;
  list(query?: CaseListQuery): { total: number; cases: C.Case[] };

  addTask(caseId: number, task: NewTask, now: number): C.Task;
  getTask(caseId: number, taskId: number): C.Task | undefined;
  updateTask(caseId: number, taskId: number, patch: TaskPatch, now: number): C.Task | undefined;
  tasks(caseId: number): C.Task[];

  /** Adds unless the case already holds the same type and key; `created` tells which. */
  addObservable(caseId: number, o: NewObservable, now: number): { observable: C.Observable; created: boolean };
  observables(caseId: number): C.Observable[];
  /** Every case holding this observable, newest first, at most `limit`. */
  sightings(type: C.ObservableType, key: string, limit: number): Sighting[];
  /** Cases in `statuses` (other than caseId) sharing observables with it, most shared first. */
  similar(caseId: number, statuses: readonly C.CaseStatus[], limit: number): SimilarCase[];

  /** Links alerts; returns the ids that were not linked to this case before. */
  linkAlerts(caseId: number, alertIds: readonly number[], by: string, now: number): number[];
  alertLinks(caseId: number): C.CaseAlertLink[];
  /** Cases an alert is linked to. */
  casesOfAlert(alertId: number): number[];

  addComment(caseId: number, author: string, body: string, now: number): C.Comment;
  comments(caseId: number): C.Comment[];

  addActivity(caseId: number, actor: string, kind: string, summary: string, now: number): void;
  activity(caseId: number): C.Activity[];
}
