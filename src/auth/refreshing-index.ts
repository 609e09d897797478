/**
 * An in-memory map loaded from the store, refreshed on demand. A miss triggers at most one reload per
 * `minRefreshIntervalMs`: a credential created from another process works at once, while a flood of bad
 * tokens cannot become a flood of store queries.
 */
export class RefreshingIndex<T> {
  private entries = new Map<string, T>();
  private lastRefresh = Number.NEGATIVE_INFINITY;
  private refreshing: Promise<void> | undefined;

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

  get(key: string): T | undefined {
    return this.entries.get(key);
  }

  /** `get`, reloading first when the key is missing and the last reload is old enough. */
  async lookup(key: string, accept: (value: T) => boolean = () => true): Promise<T | undefined> {
    const found = this.entries.get(key);
    if ((found && accept(found)) || this.now() - this.lastRefresh < this.minRefreshIntervalMs) {
      return found && accept(found) ? found : undefined;
    }
    await this.refresh().catch(() => undefined);
    const fresh = this.entries.get(key);
    return fresh && accept(fresh) ? fresh : undefined;
  }
}
