/**
 * Counts failed sign-ins per key (a source address, a user name) in a sliding window of fixed slots; a key
 * over its limit is refused until the window forgets its failures. A success does not reset the count: an
 * attacker who also holds one valid account must not be able to launder guesses through it.
 */
export class SignInThrottle {
  private readonly failures = new Map<string, number[]>();

  constructor(
    private readonly limit: number,
    private readonly windowMs: number,
    private readonly maxKeys = 50_000,
  ) {}

  /** Milliseconds until `key` may try again; 0 when it may now. */
  retryAfterMs(key: string, now: number): number {
    const times = this.recent(key, now);
    if (times.length < this.limit) return 0;
    return (times[times.length - this.limit] as number) + this.windowMs - now;
  }

  fail(key: string, now: number): void {
    if (this.failures.size >= this.maxKeys && !this.failures.has(key)) this.prune(now);
    const times = this.recent(key, now);
    times.push(now);
    this.failures.set(key, times);
  }

  private recent(key: string, now: number): number[] {
    const times = (this.failures.get(key) ?? []).filter((t) => now - t < this.windowMs);
    if (times.length === 0) this.failures.delete(key);
    else this.failures.set(key, times);
    return times;
  }

  private prune(now: number): void {
    for (const key of [...this.failures.keys()]) this.recent(key, now);
    if (this.failures.size >= this.maxKeys) this.failures.clear();
  }
}
