/**
 * An in-memory map loaded from the store, refreshed on demand. A miss waits for a reload, and reloads happen
 * at most once per `minRefreshIntervalMs` (misses in between share the next one): a credential created from
 * another process works at once (or within that interval), while a flood of bad tokens cannot become a flood
 * of store queries — it only makes bad tokens slow.
 *
 * With a `version` (a counter the store moves whenever the source changes), the periodic `refreshIfChanged`
 * costs one tiny read while nothing changed, however many entries there are (issue 16).
 */
export class RefreshingIndex<T> {
  private entries = new Map<string, T>();
  private lastRefresh = Number.NEGATIVE_INFINITY;
  private refreshing: Promise<void> | undefined;
  private scheduled: Promise<void> | undefined;
  /** The source's version read just before the entries in memory were loaded; undefined: not known. */
  private loadedVersion: number | undefined;

  constructor(
    private readonly load: () => Promise<Map<string, T>>,
    private readonly now: () => number = Date.now,
    private readonly minRefreshIntervalMs = 1_000,
    private readonly version?: () => Promise<number>,
  ) {}

  /** Reloads every entry. */
  refresh(): Promise<void> {
    if (this.refreshing) return this.refreshing;
    this.lastRefresh = this.now();
    this.refreshing = this.reload().finally(() => {
      this.refreshing = undefined;
    });
    return this.refreshing;
  }

  /** Reloads when the source's version moved since the last load (always, without a version). */
  async refreshIfChanged(): Promise<void> {
    if (!this.version) return this.refresh();
    if (this.refreshing) return this.refreshing;
    const version = await this.version();
    if (version === this.loadedVersion) return;
    return this.refresh();
  }

  private async reload(): Promise<void> {
    // The version first: a change committed while the list is read moves it past this one, so the next check
    // reloads again rather than keep a list that may predate the change.
    const version = await this.version?.();
    this.entries = await this.load();
    this.loadedVersion = version;
  }

  /** A reload no earlier than the rate limit allows, shared by every caller until it ran. */
  private nextRefresh(): Promise<void> {
    if (this.scheduled) return this.scheduled;
    const wait = this.lastRefresh + this.minRefreshIntervalMs - this.now();
    this.scheduled = new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, Math.max(0, wait));
      timer.unref();
    })
      .then(() => {
        // A miss while the version stands still is an unknown token, not a new one: no list (a flood of bad
        // tokens would otherwise list every key once a second).
        this.lastRefresh = this.now();
        return this.refreshIfChanged();
      })
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
