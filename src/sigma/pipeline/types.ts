/** Which events a logsource covers, and how Sigma field names resolve for that event shape. */
export interface EventSelector {
  channel?: string;
  eventIds?: string[];
  provider?: string;
  /** Extra conditions: Sigma field -> accepted values, lower-cased at load (compared case-insensitively). */
  where: Record<string, string[]>;
  /** Field renames for this event shape: Sigma field name -> name used by these events. */
  fields: Record<string, string>;
}

export interface LogsourceMapping {
  product?: string;
  category?: string;
  service?: string;
  events: EventSelector[];
}

export interface Pipeline {
  name: string;
  description: string;
  /** The product every routed event belongs to (e.g. windows); rules of another product never route. */
  product?: string;
  /** Paths of the routing keys; absent when events are not routed by log source. */
  routing?: { channel: string[]; eventId: string[]; provider: string[] };
  /** Sigma field name -> event paths tried in order. */
  fields: Record<string, string[]>;
  /** Path templates for fields not in `fields`; `{field}` is the Sigma name, `*` any one key. */
  fieldLookup: string[];
  logsources: LogsourceMapping[];
}
