/** An event as it arrived: a JSON object with vendor-native fields, never modified by detection. */
export type EventObject = Record<string, unknown>;

/** The Sigma log source an event belongs to, decided by its source profile or pipeline. */
export interface LogSource {
  product?: string;
  category?: string;
  service?: string;
}
