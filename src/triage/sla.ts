/** SLA targets per severity: how long an alert may wait to be acknowledged and to be resolved (closed). */
export const SLA_SEVERITIES = ['critical', 'high', 'medium', 'low'] as const;
export type SlaSeverity = (typeof SLA_SEVERITIES)[number];

export interface SlaTarget {
  acknowledgeMs: number;
  resolveMs: number;
}

export type SlaTargets = Record<SlaSeverity, SlaTarget>;

const MIN = 60_000;
const HOUR = 60 * MIN;
const DAY = 24 * HOUR;

export const DEFAULT_SLA: SlaTargets = {
  critical: { acknowledgeMs: 15 * MIN, resolveMs: 4 * HOUR },
  high: { acknowledgeMs: HOUR, resolveMs: DAY },
  medium: { acknowledgeMs: 4 * HOUR, resolveMs: 3 * DAY },
  low: { acknowledgeMs: DAY, resolveMs: 7 * DAY },
};

/** Defaults with the given targets laid over them. */
export function slaTargets(overrides: Partial<Record<SlaSeverity, Partial<SlaTarget>>> = {}): SlaTargets {
  const out = {} as SlaTargets;
  for (const s of SLA_SEVERITIES) out[s] = { ...DEFAULT_SLA[s], ...overrides[s] };
  return out;
}
