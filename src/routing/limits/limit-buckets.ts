/**
 * What a limit counts. `requests` and `concurrent` refuse a request that would go over; `tokens` lets one
 * request into an empty window even when its estimate alone is over (else it could never pass), and `budget`
 * refuses once what is spent plus what is reserved plus this request's estimate would pass the budget.
 */
export type BucketKind = 'requests' | 'tokens' | 'concurrent' | 'budget';

/**
 * One counter a request is checked against and, when admitted, charged to. A bucket is the same for every
 * request of a client in one window (see LimitPlans); what a request takes from it is its Charge.
 */
export interface Bucket {
  /** The counter's key, unique per client, limit and window. */
  readonly key: string;
  readonly kind: BucketKind;
  /** In requests, tokens, or micro-USD (budgets are counted in integers so Redis adds them exactly). */
  readonly limit: number;
  /** When the counter starts over (epoch ms); Infinity for counters that never do (concurrency, total). */
  readonly resetAt: number;
  /** What an error message calls it: "requests per minute", "daily budget". */
  readonly label: string;
  /** The `model_limits` pattern it belongs to; undefined for the key's own limits. */
  readonly pattern: string | undefined;
  /** For budgets: when the period began, so the spend so far can be loaded from the request log. */
  readonly since?: number | undefined;
}

/**
 * What one request takes from its buckets at admission (integers): `tokens` from token buckets, `micros`
 * (micro-USD) from budgets, and 1 from request and concurrency buckets. At settlement the same shape carries
 * what to add to them (real use minus the reservation); concurrency slots are then given back.
 */
export interface Charge {
  readonly tokens: number;
  readonly micros: number;
}

/** What a request takes from a bucket of this kind at admission. */
export function amountOf(kind: BucketKind, charge: Charge): number {
  if (kind === 'tokens') return charge.tokens;
  if (kind === 'budget') return charge.micros;
  return 1;
}

/** What a settlement adds to a bucket of this kind: the difference for tokens and budgets, -1 for a slot. */
export function settledDelta(kind: BucketKind, delta: Charge): number {
  if (kind === 'tokens') return delta.tokens;
  if (kind === 'budget') return delta.micros;
  return kind === 'concurrent' ? -1 : 0;
}

/** What a backend answers: the first bucket with no room (-1: admitted), and each bucket's count. */
export interface Admission {
  readonly denied: number;
  /** Each bucket's count after the request was charged; when denied, the counts as they were. */
  readonly used: readonly number[];
}

/** Where counters live: this process (MemoryLimitBackend) or a Redis server shared by every gateway. */
export interface LimitBackend {
  /** Checks every bucket and, only when all have room, charges all of them, as one atomic step. */
  admit(buckets: readonly Bucket[], charge: Charge, now: number): Admission | Promise<Admission>;
  /**
   * Applies what the request really used (`delta`: real use minus the reservation; see settledDelta) and
   * gives its concurrency slots back; a counter whose window has passed is left alone.
   */
  settle(buckets: readonly Bucket[], delta: Charge, now: number): void | Promise<void>;
  /** Sets a counter that does not exist yet (a budget's spend loaded from the request log). */
  seed(bucket: Bucket, value: number, now: number): void | Promise<void>;
  /**
   * Changes whenever the counters may have been lost since (a shared backend that reconnected: a Redis restarted
   * without persistence comes back empty), so budget spend is loaded into them again. Undefined: never lost.
   */
  readonly generation?: number;
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
