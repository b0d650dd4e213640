/** What the ticketing connectors receive from the cases module and hand to the ticketing side. */

/** The case fields a ticket carries. The cases module's snapshot has more; only these leave Vigil. */
export interface TicketCase {
  id: number;
  title: string;
  description: string;
  severity: string;
  status: string;
  owner: string | null;
  tags: string[];
  tlp: string;
  /** Link back to the case in the console, when the server knows its public URL. */
  url?: string;
}

/** Emitted by the cases module when a case is created or changes. */
export interface CaseChangeEvent {
  type: 'created' | 'updated';
  case: TicketCase;
  /** Who made the change; changes made by the ticketing sync itself are not sent back to that target. */
  actor?: string;
}

/** Sets a case's status on behalf of a ticketing target; false (or throwing a 404) when the case is gone. */
export type SetCaseStatus = (caseId: number, status: string, actor: string) => boolean | void | Promise<boolean | void>;

/** The actor name the status sync uses for changes coming from `target`. */
export function syncActor(target: string): string {
  return `ticketing:${target}`;
}

/** Only the fields of TicketCase, so extra fields of a richer case object never leave Vigil. */
export function pickTicketCase(c: TicketCase): TicketCase {
  const out: TicketCase = {
    id: c.id, title: c.title, description: c.description ?? '', severity: c.severity, status: c.status,
    owner: c.owner ?? null, tags: [...(c.tags ?? [])], tlp: c.tlp,
  };
  if (typeof c.url === 'string') out.url = c.url;
  return out;
}
