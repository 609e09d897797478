export interface Tally {
  requests: number;
  failures: number;
}

interface Series {
  epochs: Float64Array;
  requests: Uint32Array;
  failures: Uint32Array;
}

/**
 * Requests and failures per key in fixed time buckets over a bounded span (a ring per key): O(1) to add,
 * so the data plane can feed it on every request.
 */
export class RollingCounters {
  private readonly series = new Map<string, Series>();

  constructor(
    readonly bucketMs = 10_000,
    readonly buckets = 360,
  ) {}

  /** How far back sums can reach. */
  get spanMs(): number {
    return this.bucketMs * this.buckets;
  }

  add(key: string, failed: boolean, now: number): void {
    let series = this.series.get(key);
    if (!series) {
      series = {
        epochs: new Float64Array(this.buckets).fill(-1),
        requests: new Uint32Array(this.buckets),
        failures: new Uint32Array(this.buckets),
      };
      this.series.set(key, series);
    }
    const epoch = Math.floor(now / this.bucketMs);
    const slot = epoch % this.buckets;
    if (series.epochs[slot] !== epoch) {
      series.epochs[slot] = epoch;
      series.requests[slot] = 0;
      series.failures[slot] = 0;
    }
    series.requests[slot] = (series.requests[slot] ?? 0) + 1;
    if (failed) series.failures[slot] = (series.failures[slot] ?? 0) + 1;
  }

  /** Totals over the buckets that overlap [since, until]. */
  sum(keys: Iterable<string>, since: number, until: number): Tally {
    const first = Math.floor(Math.max(since, until - this.spanMs + this.bucketMs) / this.bucketMs);
    const last = Math.floor(until / this.bucketMs);
    const total: Tally = { requests: 0, failures: 0 };
    for (const key of keys) {
      const series = this.series.get(key);
      if (!series) continue;
      for (let slot = 0; slot < this.buckets; slot++) {
        const epoch = series.epochs[slot] ?? -1;
        if (epoch < first || epoch > last) continue;
        total.requests += series.requests[slot] ?? 0;
        total.failures += series.failures[slot] ?? 0;
      }
    }
    return total;
  }

  /** Drops keys not in `keep` (e.g. models a new config no longer has). */
  retain(keep: ReadonlySet<string>): void {
    for (const key of this.series.keys()) if (!keep.has(key)) this.series.delete(key);
  }
}
