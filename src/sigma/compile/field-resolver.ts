import type { Pipeline, EventSelector } from '../pipeline/types.js';
import { compileAccessor, type Accessor } from './context.js';

export interface ResolvedField {
  /** Cache key: equal path lists share one key. */
  key: string;
  paths: string[];
  get: Accessor;
}

/** Maps Sigma field names to event paths for one event shape (pipeline + selector renames). */
export class FieldResolver {
  private readonly memo = new Map<string, ResolvedField>();

  constructor(
    private readonly pipeline: Pipeline,
    private readonly selector?: EventSelector,
  ) {}

  resolve(sigmaField: string): ResolvedField {
    let r = this.memo.get(sigmaField);
    if (!r) {
      const name = this.selector?.fields[sigmaField] ?? sigmaField;
      const paths = this.pipeline.fields[name] ?? this.pipeline.fieldLookup.map((t) => t.split('{field}').join(name));
      r = { key: paths.join('\u0001'), paths, get: compileAccessor(paths) };
      this.memo.set(sigmaField, r);
    }
    return r;
  }
}
