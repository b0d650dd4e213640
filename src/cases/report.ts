/**
 * The case report in Markdown: summary, alerts, observables (defanged), tasks, timeline, comments,
 * root-cause analysis and post-incident review. Every piece of user or event text goes through
 * mdInline/mdBlock; only the report's own structure is markup.
 */
import type { Alert } from '../storage/ports.js';
import { defang, isoTime, mdBlock, mdInline, mdTable } from './markdown.js';
import type { TimelineEntry } from './timeline.js';
import type { Case, CaseAlertLink, Comment, Observable, Task } from './types.js';

export interface ReportInput {
  case: Case;
  tasks: Task[];
  observables: Observable[];
  alerts: { link: CaseAlertLink; alert: Alert | undefined }[];
  comments: Comment[];
  timeline: TimelineEntry[];
  /** Epoch ms the report was made. */
  generated: number;
}

const DEFANGED = new Set(['ip', 'domain', 'url', 'email']);

function list(items: string[]): string {
  return items.length ? items.map((i) => `- ${mdInline(i)}`).join('\n') : '_None recorded._';
}

export function renderCaseReport(r: ReportInput): string {
  const c = r.case;
  const out: string[] = [];
  out.push(`# Case ${c.id}: ${mdInline(c.title)}`, '');
  out.push(mdTable(['Field', 'Value'], [
    ['Severity', c.severity], ['Status', c.status], ['TLP', `TLP:${c.tlp.toUpperCase()}`], ['PAP', `PAP:${c.pap.toUpperCase()}`],
    ['Owner', mdInline(c.owner ?? '(unassigned)')], ['Tags', c.tags.map(mdInline).join(', ')],
    ['Template', mdInline(c.template ?? '')], ['Opened', `${isoTime(c.created)} by ${mdInline(c.createdBy)}`],
    ['Closed', isoTime(c.closed)], ['Report generated', isoTime(r.generated)],
  ]), '');

  out.push('## Description', '', c.description ? mdBlock(c.description) : '_No description._', '');

  out.push('## Alerts', '');
  out.push(r.alerts.length ? mdTable(['Alert', 'Rule', 'Level', 'Host', 'User', 'Events', 'First seen', 'Linked'],
    r.alerts.map(({ link, alert: a }) => a
      ? [`\\#${a.id}`, mdInline(a.title), mdInline(a.level ?? ''), mdInline(a.hostName ?? ''), mdInline(a.userName ?? ''), String(a.count), isoTime(a.firstSeen), isoTime(link.linked)]
      : [`\\#${link.alertId}`, '(no longer stored)', '', '', '', '', '', isoTime(link.linked)])) : '_No linked alerts._', '');

  out.push('## Observables', '');
  out.push(r.observables.length ? mdTable(['Type', 'Value', 'Source', 'Added'],
    r.observables.map((o) => [
      o.subtype ? `${o.type} (${o.subtype})` : o.type,
      mdInline(DEFANGED.has(o.type) ? defang(o.value) : o.value),
      mdInline(o.source), isoTime(o.added),
    ])) : '_No observables._', '');

  out.push('## Tasks', '');
  out.push(r.tasks.length ? mdTable(['Task', 'Phase', 'Status', 'Assignee', 'Due'],
    r.tasks.map((t) => [mdInline(t.title), t.phase ?? '', t.status, mdInline(t.assignee ?? ''), isoTime(t.due)])) : '_No tasks._', '');

  out.push('## Timeline', '');
  out.push(r.timeline.length ? mdTable(['Time', 'Kind', 'Who', 'What'],
    r.timeline.map((e) => [isoTime(e.at), e.kind, mdInline(e.actor ?? ''), mdInline(e.summary)])) : '_Empty._', '');

  out.push('## Comments', '');
  if (!r.comments.length) out.push('_No comments._', '');
  for (const cm of r.comments) out.push(`### ${isoTime(cm.created)}, ${mdInline(cm.author)}`, '', mdBlock(cm.body), '');

  out.push('## Root-cause analysis', '');
  if (c.rca) {
    out.push('**Root cause**', '', mdBlock(c.rca.rootCause), '', '**Contributing factors**', '', list(c.rca.contributingFactors), '');
  } else {
    out.push('_Not written yet._', '');
  }

  out.push('## Post-incident review', '');
  const p = c.pir;
  if (p) {
    out.push('### What happened', '', mdBlock(p.whatHappened), '', '### Impact', '', mdBlock(p.impact), '');
    out.push('### What went well', '', list(p.wentWell), '', '### What to improve', '', list(p.toImprove), '');
    out.push('### Action items', '', p.actionItems.length ? mdTable(['Action', 'Owner', 'Due', 'Done'],
      p.actionItems.map((a) => [mdInline(a.action), mdInline(a.owner), isoTime(a.due), a.done ? 'yes' : 'no'])) : '_None._', '');
  } else {
    out.push('_Not written yet._', '');
  }
  return out.join('\n');
}
