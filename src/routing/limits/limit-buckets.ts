/**
 * What a limit counts. `requests` and `concurrent` refuse a request that would go over; `tokens` lets one
 * request into an empty window even when its estimate alone is over (else it could never pass), and `budget`
 * refuses once what is spent plus what is reserved plus this request's estimate would pass the budget.
 */
export type BucketKind = 'requests' | 'tokens' | 'concurrent' | 'budget';

/** One counter a request is checked against and, when admitted, charged to. */
export interface Bucket {
  /** The counter's key, unique per client, limit and window. */
  readonly key: string;
  readonly kind: BucketKind;
  /** In requests, tokens, or micro-USD (budgets are counted in integers so Redis adds them exactly). */
  readonly limit: number;
  /** What the request takes at admission (an integer). */
  readonly amount: number;
  /** When the counter starts over (epoch ms); Infinity for counters that never do (concurrency, total). */
  readonly resetAt: number;
  /** What an error message calls it: "requests per minute", "daily budget". */
  readonly label: string;
  /** The `model_limits` pattern it belongs to; undefined for the key's own limits. */
  readonly pattern: string | undefined;
  /** For budgets: when the period began, so the spend so far can be loaded from the request log. */
  readonly since?: number | undefined;
}

/** What a backend answers: the first bucket with no room (-1: admitted), and each bucket's count. */
export interface Admission {
  readonly denied: number;
  /** Each bucket's count after the request was charged; when denied, the counts as they were. */
  readonly used: readonly number[];
}

/** How much a settled request changes a bucket: real use minus the reservation, or -1 for concurrency. */
export interface Settlement {
  readonly bucket: Bucket;
  readonly delta: number;
}

/** Where counters live: this process (MemoryLimitBackend) or a Redis server shared by every gateway. */
export interface LimitBackend {
  /** Checks every bucket and, only when all have room, charges all of them, as one atomic step. */
  admit(buckets: readonly Bucket[], now: number): Admission | Promise<Admission>;
  /** Applies what the request really used; a counter whose window has passed is left alone. */
  settle(settlements: readonly Settlement[], now: number): void | Promise<void>;
  /** Sets a counter that does not exist yet (a budget's spend loaded from the request log). */
  seed(bucket: Bucket, value: number, now: number): void | Promise<void>;
}

/** Whether charging `amount` to a counter at `used` would break the bucket's limit. */
export function overLimit(kind: BucketKind, used: number, amount: number, limit: number): boolean {
  switch (kind) {
    case 'tokens':
      return used >= limit || (used > 0 && used + amount > limit);
    case 'budget':
      return used >= limit || used + amount > limit;
    default:
      return used + amount > limit;
  }
}
