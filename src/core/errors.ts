/** Where something went wrong: a file, a position in it and the field path inside the document. */
export interface Location {
  file?: string;
  line?: number;
  column?: number;
  /** Dotted path of the offending field, e.g. `detection.selection.Image|foo`. */
  field?: string;
  /** Byte offset, for binary formats. */
  offset?: number;
  /** The offending text at `column` (excerpted), when the error is about one token of a one-line input. */
  token?: string;
}

/** The one error root of Vigil: a stable code plus an optional location. Never holds secrets or raw payloads. */
export class VigilError extends Error {
  readonly code: string;
  readonly location: Location;

  constructor(code: string, message: string, location: Location = {}, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'VigilError';
    this.code = code;
    this.location = location;
  }

  /** `file:line:column: message (field)`, the form editors and terminals link. */
  describe(): string {
    const { file, line, column, field, offset } = this.location;
    let where = file ?? '';
    if (line !== undefined) where += `:${line}`;
    if (line !== undefined && column !== undefined) where += `:${column}`;
    if (offset !== undefined) where += `${where ? ' ' : ''}@${offset}`;
    const suffix = field ? ` (at ${field})` : '';
    return `${where ? where + ': ' : ''}${this.message}${suffix}`;
  }
}

export function errorMessage(err: unknown): string {
  if (err instanceof VigilError) return err.describe();
  if (err instanceof Error) return err.message;
  return String(err);
}
