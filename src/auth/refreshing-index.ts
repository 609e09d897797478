/**
 * An in-memory map loaded from the store, refreshed on demand. A miss waits for a reload, and reloads happen
 * at most once per `minRefreshIntervalMs` (misses in between share the next one): a credential created from
 * another process works at once (or within that interval), while a flood of bad tokens cannot become a flood
 * of store queries — it only makes bad tokens slow.
 */
export class RefreshingIndex<T> {
  private entries = new Map<string, T>();
  private lastRefresh = Number.NEGATIVE_INFINITY;
  private refreshing: Promise<void> | undefined;
  private scheduled: Promise<void> | undefined;

  constructor(
    private readonly load: () => Promise<Map<string, T>>,
    private readonly now: () => number = Date.now,
    private readonly minRefreshIntervalMs = 1_000,
  ) {}

  refresh(): Promise<void> {
    if (this.refreshing) return this.refreshing;
    this.lastRefresh = this.now();
    this.refreshing = this.load()
      .then((entries) => {
        this.entries = entries;
      })
      .finally(() => {
        this.refreshing = undefined;
      });
    return this.refreshing;
  }

  /** A reload no earlier than the rate limit allows, shared by every caller until it ran. */
  private nextRefresh(): Promise<void> {
    if (this.scheduled) return this.scheduled;
    const wait = this.lastRefresh + this.minRefreshIntervalMs - this.now();
    this.scheduled = new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, Math.max(0, wait));
      timer.unref();
    })
      .then(() => this.refresh())
      .finally(() => {
        this.scheduled = undefined;
      });
    return this.scheduled;
  }

  get(key: string): T | undefined {
    return this.entries.get(key);
  }

  /** `get`, and on a miss, the same after the next reload. */
  async lookup(key: string, accept: (value: T) => boolean = () => true): Promise<T | undefined> {
    const found = this.entries.get(key);
    if (found && accept(found)) return found;
    await this.nextRefresh().catch(() => undefined);
    const fresh = this.entries.get(key);
    return fresh && accept(fresh) ? fresh : undefined;
  }
}
