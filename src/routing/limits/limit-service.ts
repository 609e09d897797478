import type { ClientDialect } from '../../api/shared/client-dialect.js';
import type { GatewayError } from '../../errors/gateway-error.js';
import { log } from '../../server/log.js';
import { BudgetCalendar } from './budget-calendar.js';
import type { ClientAccess } from './client-access.js';
import type { Admission, Bucket, LimitBackend, Settlement } from './limit-buckets.js';
import { type LimitAsk, MICROS_PER_USD, planBuckets } from './limit-plan.js';
import { admittedHeaders, limitRefusal } from './limit-refusal.js';

/** What an admitted request holds until it ends: the counters it was charged to, and by which backend. */
export interface LimitTicket {
  readonly backend: LimitBackend;
  readonly buckets: readonly Bucket[];
  /** The dialect's rate-limit headers as of the admission, for the response. */
  readonly headers: Record<string, string>;
}

/** What a request really used, for settlement; null keeps the reservation (nothing better is known). */
export interface LimitUse {
  readonly tokens: number | null;
  readonly costUsd: number | null;
}

/** Where counters are kept right now: Redis while it answers, this process otherwise (see LimitBackends). */
export interface BackendChoice {
  current(): LimitBackend;
  /** The per-process backend, used when the current one fails. */
  readonly local: LimitBackend;
  /** The current backend failed; the choice falls back until it recovers. */
  failed(backend: LimitBackend, error: unknown): void;
}

export interface LimitServiceDeps {
  backends: BackendChoice;
  now?: () => number;
  /** USD a client spent since a time, from the request log: a budget's starting point in a fresh counter. */
  spentSince(client: string, since: number): Promise<number>;
}

/**
 * Rate limits and budgets of client keys: one policy beside the router's others. A request reserves its
 * estimate in every counter at admission (one atomic step per backend) and settles to what it really used
 * when it ends, so a budget is overspent by at most what requests already in flight when it ran out use
 * beyond their estimates.
 */
export class LimitService {
  private calendar = new BudgetCalendar('UTC');
  private readonly now: () => number;
  /** Budget counters this process has loaded the spend of, per backend. */
  private readonly seeded = new WeakMap<LimitBackend, Map<string, Promise<void> | true>>();

  constructor(private readonly deps: LimitServiceDeps) {
    this.now = deps.now ?? Date.now;
  }

  get timeZone(): string {
    return this.calendar.timeZone;
  }

  setTimeZone(timeZone: string): void {
    if (timeZone !== this.calendar.timeZone) this.calendar = new BudgetCalendar(timeZone);
  }

  /**
   * Admits the request (a ticket to settle later) or refuses it (the 429 to send). Synchronous with the
   * in-process backend once a budget's spend is loaded; a promise with Redis.
   */
  admit(
    access: ClientAccess,
    ask: LimitAsk,
    dialect: ClientDialect,
  ): LimitTicket | GatewayError | Promise<LimitTicket | GatewayError> {
    const now = this.now();
    const buckets = planBuckets(access, ask, this.calendar, now);
    const backend = this.deps.backends.current();
    const seeding = this.seed(backend, access, buckets, now);
    if (seeding) return seeding.then(() => this.charge(backend, access, buckets, dialect, now));
    return this.charge(backend, access, buckets, dialect, now);
  }

  settle(ticket: LimitTicket, use: LimitUse): void {
    const settlements: Settlement[] = [];
    for (const bucket of ticket.buckets) {
      if (bucket.kind === 'concurrent') settlements.push({ bucket, delta: -1 });
      else if (bucket.kind === 'tokens' && use.tokens !== null) {
        settlements.push({ bucket, delta: use.tokens - bucket.amount });
      } else if (bucket.kind === 'budget' && use.costUsd !== null) {
        settlements.push({ bucket, delta: Math.round(use.costUsd * MICROS_PER_USD) - bucket.amount });
      }
    }
    if (settlements.length === 0) return;
    try {
      const done = ticket.backend.settle(settlements, this.now());
      if (done) done.catch((error: unknown) => this.deps.backends.failed(ticket.backend, error));
    } catch (error) {
      this.deps.backends.failed(ticket.backend, error);
    }
  }

  private charge(
    backend: LimitBackend,
    access: ClientAccess,
    buckets: readonly Bucket[],
    dialect: ClientDialect,
    now: number,
  ): LimitTicket | GatewayError | Promise<LimitTicket | GatewayError> {
    const decide = (admission: Admission, by: LimitBackend): LimitTicket | GatewayError =>
      admission.denied === -1
        ? { backend: by, buckets, headers: admittedHeaders(buckets, admission, dialect, now) }
        : limitRefusal(access.name, buckets, admission, dialect, now, this.calendar.timeZone);
    let admission: Admission | Promise<Admission>;
    try {
      admission = backend.admit(buckets, now);
    } catch (error) {
      return this.onLocal(backend, error, access, buckets, dialect, now);
    }
    if (!(admission instanceof Promise)) return decide(admission, backend);
    return admission.then(
      (result) => decide(result, backend),
      (error: unknown) => this.onLocal(backend, error, access, buckets, dialect, now),
    );
  }

  /** The shared backend failed mid-request: this request, and the ones after it, count in this process. */
  private onLocal(
    failed: LimitBackend,
    error: unknown,
    access: ClientAccess,
    buckets: readonly Bucket[],
    dialect: ClientDialect,
    now: number,
  ): LimitTicket | GatewayError | Promise<LimitTicket | GatewayError> {
    const local = this.deps.backends.local;
    if (failed === local) throw error;
    this.deps.backends.failed(failed, error);
    const seeding = this.seed(local, access, buckets, now);
    if (seeding) return seeding.then(() => this.charge(local, access, buckets, dialect, now));
    return this.charge(local, access, buckets, dialect, now);
  }

  /** Loads the spend so far into budget counters this process has not seen in this period; undefined when none. */
  private seed(
    backend: LimitBackend,
    access: ClientAccess,
    buckets: readonly Bucket[],
    now: number,
  ): Promise<void> | undefined {
    const pending: Promise<void>[] = [];
    let seeded = this.seeded.get(backend);
    for (const bucket of buckets) {
      if (bucket.kind !== 'budget') continue;
      if (!seeded) {
        seeded = new Map();
        this.seeded.set(backend, seeded);
      }
      let loading = seeded.get(bucket.key);
      if (loading === true) continue;
      if (!loading) {
        const key = bucket.key;
        const map = seeded;
        loading = this.deps
          .spentSince(access.name, bucket.since ?? 0)
          .then((usd) => backend.seed(bucket, Math.round(usd * MICROS_PER_USD), now))
          .then(
            () => {
              map.set(key, true);
            },
            (error: unknown) => {
              // Without the history the counter starts from what this process sees; try again next request.
              map.delete(key);
              log.warn('loading a budget spend from the request log failed', {
                client: access.name,
                error: String(error),
              });
            },
          );
        seeded.set(key, loading);
      }
      pending.push(loading);
    }
    if (seeded && seeded.size > 10_000) this.forgetPastPeriods(seeded, buckets);
    return pending.length > 0 ? Promise.all(pending).then(() => undefined) : undefined;
  }

  /** Keeps the seeded-set small: entries of periods that ended are dropped (their keys never return). */
  private forgetPastPeriods(seeded: Map<string, Promise<void> | true>, current: readonly Bucket[]): void {
    const keep = new Set(current.map((b) => b.key));
    for (const key of seeded.keys()) if (!keep.has(key) && !key.endsWith(':usd:total')) seeded.delete(key);
  }
}
