import { VigilError } from '../core/errors.js';

/** invalid: the request is wrong (400); not_found (404); conflict: not allowed from the alert's current state (409). */
export type TriageErrorKind = 'invalid' | 'not_found' | 'conflict';

export class TriageError extends VigilError {
  constructor(readonly kind: TriageErrorKind, code: string, message: string, field?: string) {
    super(code, message, field === undefined ? {} : { field });
  }
}
