export { CaseService, notFound, type CaseServiceDeps } from './service.js';
export { loadTemplates, type CaseTemplate, type TemplateSet } from './templates.js';
export { extractObservables, parseHashList } from './extract.js';
export { normalizeObservable } from './observables.js';
export { renderCaseReport } from './report.js';
export { caseTimeline, type TimelineEntry } from './timeline.js';
export * from './types.js';
