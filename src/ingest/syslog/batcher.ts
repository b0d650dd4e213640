import type { ProfileInput } from '../../formats/profiles/types.js';

/** One submit's worth: inputs that share a profile, and when the first of them arrived. */
export interface Batch {
  inputs: ProfileInput[];
  /** Forced profile, or undefined to let the pipeline detect it per input. */
  profile: string | undefined;
  receivedAt: number;
}

/**
 * Collects messages until `size` are waiting or the first has waited `delayMs`, then hands them over.
 * Unparsed messages go in a batch of their own without the forced profile: a syslog profile cannot
 * read them, and the pipeline would refuse them under it.
 */
export class Batcher {
  private parsed: ProfileInput[] = [];
  private unparsed: ProfileInput[] = [];
  private firstAt = 0;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly size: number,
    private readonly delayMs: number,
    private readonly profile: string | undefined,
    private readonly onBatch: (batch: Batch) => void,
  ) {}

  add(input: ProfileInput, parsed: boolean, at: number): void {
    if (this.parsed.length + this.unparsed.length === 0) {
      this.firstAt = at;
      this.timer = setTimeout(() => this.flush(), this.delayMs);
    }
    (parsed || this.profile === undefined ? this.parsed : this.unparsed).push(input);
    if (this.parsed.length + this.unparsed.length >= this.size) this.flush();
  }

  flush(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    const { parsed, unparsed, firstAt } = this;
    this.parsed = [];
    this.unparsed = [];
    if (parsed.length > 0) this.onBatch({ inputs: parsed, profile: this.profile, receivedAt: firstAt });
    if (unparsed.length > 0) this.onBatch({ inputs: unparsed, profile: undefined, receivedAt: firstAt });
  }
}
