/**
 * Counts failures per key (username, client address) in a sliding window; a key with `max` failures in
 * the window is locked until the oldest of them ages out. Memory is bounded: at most `maxKeys` keys.
 */
export interface LimiterOptions {
  max: number;
  windowMs: number;
  maxKeys?: number;
}

export class FailureLimiter {
  private readonly failures = new Map<string, number[]>();
  private readonly maxKeys: number;

  constructor(private readonly options: LimiterOptions) {
    this.maxKeys = options.maxKeys ?? 10_000;
  }

  /** Seconds until `key` may try again; 0 when it may now. */
  retryAfter(key: string, now: number): number {
    const list = this.live(key, now);
    if (list.length < this.options.max) return 0;
    return Math.max(1, Math.ceil((list[0]! + this.options.windowMs - now) / 1000));
  }

  fail(key: string, now: number): void {
    const list = this.live(key, now);
    list.push(now);
    if (list.length > this.options.max) list.shift();
    this.failures.delete(key);
    this.failures.set(key, list);
    if (this.failures.size > this.maxKeys) this.evict(now);
  }

  reset(key: string): void {
    this.failures.delete(key);
  }

  private live(key: string, now: number): number[] {
    const list = this.failures.get(key) ?? [];
    const from = now - this.options.windowMs;
    while (list.length && list[0]! <= from) list.shift();
    return list;
  }

  private evict(now: number): void {
    const from = now - this.options.windowMs;
    for (const [key, list] of this.failures) {
      if (!list.length || list[list.length - 1]! <= from) this.failures.delete(key);
    }
    // Still full: drop the least recently failed keys (Map order is insertion order, refreshed in fail()).
    for (const key of this.failures.keys()) {
      if (this.failures.size <= this.maxKeys) break;
      this.failures.delete(key);
    }
  }
}
