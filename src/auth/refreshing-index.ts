/**
 * An in-memory map loaded from the store, refreshed on demand. A miss waits for a reload, and reloads happen
 * at most once per `minRefreshIntervalMs` (misses in between share the next one): a credential created from
 * another process works at once (or within that interval), while a flood of bad tokens cannot become a flood
 * of store queries — it only makes bad tokens slow.
 *
 * With a `version` (a counter the store moves whenever the source changes), the periodic `refreshIfChanged`
 * costs one tiny read while nothing changed, however many entries there are (issue 16). With a `catchUp` as
 * well, a change costs what changed: it brings the entries the last load returned up to date in place, and only
 * when it cannot (it returns undefined) is everything loaded again.
 */
export interface Lookup<T> {
  get(key: string): T | undefined;
}

export class RefreshingIndex<T> {
  private entries: Lookup<T> = new Map<string, T>();
  private lastRefresh = Number.NEGATIVE_INFINITY;
  private refreshing: Promise<void> | undefined;
  private scheduled: Promise<void> | undefined;
  /** The source's version read just before the entries in memory were loaded; undefined: not known. */
  private loadedVersion: number | undefined;

  constructor(
    private readonly load: () => Promise<Lookup<T>>,
    private readonly now: () => number = Date.now,
    private readonly minRefreshIntervalMs = 1_000,
    private readonly version?: () => Promise<number>,
    /** Applies the changes up to (at least) this version; returns the version reached, or undefined. */
    private readonly catchUp?: (version: number) => Promise<number | undefined>,
  ) {}

  /** Reloads every entry. */
  refresh(): Promise<void> {
    if (this.refreshing) return this.refreshing;
    return this.run(() => this.reload());
  }

  /**
   * Brings the entries up to date when the source's version moved since they were (always, without a version).
   * After one already under way: it may have read the source before the change its caller just made.
   */
  async refreshIfChanged(): Promise<void> {
    if (!this.version) return this.refresh();
    while (this.refreshing) await this.refreshing.catch(() => undefined);
    const version = await this.version();
    if (version === this.loadedVersion) return;
    if (this.refreshing) return this.refreshing;
    return this.run(() => this.update(version));
  }

  /** One load or catch-up at a time: both change the entries. */
  private run(work: () => Promise<void>): Promise<void> {
    this.refreshing = work().finally(() => {
      this.refreshing = undefined;
    });
    return this.refreshing;
  }

  private async update(version: number): Promise<void> {
    const reached = this.catchUp && this.loadedVersion !== undefined ? await this.catchUp(version) : undefined;
    if (reached !== undefined) {
      this.loadedVersion = reached;
      return;
    }
    await this.reload();
  }

  private async reload(): Promise<void> {
    this.lastRefresh = this.now();
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
