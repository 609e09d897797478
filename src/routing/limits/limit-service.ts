import type { ClientDialect } from '../../api/shared/client-dialect.js';
import type { GatewayError } from '../../errors/gateway-error.js';
import { log } from '../../server/log.js';
import { BudgetCalendar } from './budget-calendar.js';
import { type ClientAccess, storeKeyIdOf } from './client-access.js';
import type { Admission, Charge, LimitBackend } from './limit-buckets.js';
import { type LimitAsk, type LimitPlan, LimitPlans, MICROS_PER_USD } from './limit-plan.js';
import { limitRefusal } from './limit-refusal.js';

/**
 * What an admitted request holds until it ends: the counters it was charged to, by which backend, what it
 * took, and their counts after (for its rate-limit headers, see writeAdmittedHeaders).
 */
export interface LimitTicket {
  readonly backend: LimitBackend;
  readonly plan: LimitPlan;
  readonly charge: Charge;
  readonly used: readonly number[];
  /** When it was admitted (epoch ms). */
  readonly at: number;
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
  /**
   * USD spent since `since` by this client: a store key's own requests (`keyId`), or a config client's (null), so
   * a new key that reuses a revoked key's name, or a key named like a config client, starts from its own spend.
   */
  spentSince(client: { name: string; keyId: string | null }, since: number): Promise<number>;
}

/** The budget counters loaded in one generation of a backend (see LimitBackend.generation). */
interface SeededCounters {
  readonly generation: number | undefined;
  readonly counters: Map<string, Promise<void> | true>;
}

/** Whether the plan's budget counters hold their spend in the backend as it is now. */
function isSeeded(plan: LimitPlan, backend: LimitBackend): boolean {
  return plan.seededIn === backend && plan.seededGeneration === backend.generation;
}

/**
 * Rate limits and budgets of client keys: one policy beside the router's others. A request reserves its
 * estimate in every counter at admission (one atomic step per backend) and settles to what it really used
 * when it ends, so a budget is overspent by at most what requests already in flight when it ran out use
 * beyond their estimates.
 */
export class LimitService {
  private calendar = new BudgetCalendar('UTC');
  private readonly plans = new LimitPlans();
  private readonly now: () => number;
  /** Budget counters this process has loaded the spend of, per backend, in its current generation. */
  private readonly seeded = new WeakMap<LimitBackend, SeededCounters>();

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
    const plan = this.plans.planFor(access, ask.model, this.calendar, now);
    const charge: Charge = { tokens: ask.tokens, micros: Math.ceil(ask.costUsd * MICROS_PER_USD) };
    const backend = this.deps.backends.current();
    const seeding = isSeeded(plan, backend) ? undefined : this.seed(backend, access, plan, now);
    if (seeding) return seeding.then(() => this.charge(backend, access, plan, charge, dialect, now));
    return this.charge(backend, access, plan, charge, dialect, now);
  }

  settle(ticket: LimitTicket, use: LimitUse): void {
    const { plan, charge } = ticket;
    if (!plan.settles) return;
    const delta: Charge = {
      tokens: use.tokens === null ? 0 : use.tokens - charge.tokens,
      micros: use.costUsd === null ? 0 : Math.round(use.costUsd * MICROS_PER_USD) - charge.micros,
    };
    // Nothing to give back and nothing to correct: no backend call (no Redis round trip).
    if (!plan.slots && delta.tokens === 0 && delta.micros === 0) return;
    try {
      const done = ticket.backend.settle(plan.buckets, delta, this.now());
      if (done) done.catch((error: unknown) => this.deps.backends.failed(ticket.backend, error));
    } catch (error) {
      this.deps.backends.failed(ticket.backend, error);
    }
  }

  private charge(
    backend: LimitBackend,
    access: ClientAccess,
    plan: LimitPlan,
    charge: Charge,
    dialect: ClientDialect,
    now: number,
  ): LimitTicket | GatewayError | Promise<LimitTicket | GatewayError> {
    let admission: Admission | Promise<Admission>;
    try {
      admission = backend.admit(plan.buckets, charge, now);
    } catch (error) {
      return this.onLocal(backend, error, access, plan, charge, dialect, now);
    }
    if (!(admission instanceof Promise)) return this.decide(admission, backend, access, plan, charge, dialect, now);
    return admission.then(
      (result) => this.decide(result, backend, access, plan, charge, dialect, now),
      (error: unknown) => this.onLocal(backend, error, access, plan, charge, dialect, now),
    );
  }

  private decide(
    admission: Admission,
    backend: LimitBackend,
    access: ClientAccess,
    plan: LimitPlan,
    charge: Charge,
    dialect: ClientDialect,
    now: number,
  ): LimitTicket | GatewayError {
    if (admission.denied === -1) return { backend, plan, charge, used: admission.used, at: now };
    return limitRefusal(access.name, plan, admission, charge, dialect, now, this.calendar.timeZone);
  }

  /** The shared backend failed mid-request: this request, and the ones after it, count in this process. */
  private onLocal(
    failed: LimitBackend,
    error: unknown,
    access: ClientAccess,
    plan: LimitPlan,
    charge: Charge,
    dialect: ClientDialect,
    now: number,
  ): LimitTicket | GatewayError | Promise<LimitTicket | GatewayError> {
    const local = this.deps.backends.local;
    if (failed === local) throw error;
    this.deps.backends.failed(failed, error);
    const seeding = isSeeded(plan, local) ? undefined : this.seed(local, access, plan, now);
    if (seeding) return seeding.then(() => this.charge(local, access, plan, charge, dialect, now));
    return this.charge(local, access, plan, charge, dialect, now);
  }

  /**
   * Loads the spend so far into budget counters this process has not seen in this period; undefined when none
   * is loading. Once all of a plan's are loaded the plan says so, and its requests skip this.
   */
  private seed(backend: LimitBackend, access: ClientAccess, plan: LimitPlan, now: number): Promise<void> | undefined {
    const generation = backend.generation;
    if (!plan.budgets) {
      plan.seededIn = backend;
      plan.seededGeneration = generation;
      return undefined;
    }
    const pending: Promise<void>[] = [];
    let known = this.seeded.get(backend);
    if (!known || known.generation !== generation) {
      // The backend's counters may have been lost since (Redis restarted empty): every budget loads its spend again.
      known = { generation, counters: new Map() };
      this.seeded.set(backend, known);
    }
    const seeded = known.counters;
    for (const bucket of plan.buckets) {
      if (bucket.kind !== 'budget') continue;
      let loading = seeded.get(bucket.key);
      if (loading === true) continue;
      if (!loading) {
        const key = bucket.key;
        const map = seeded;
        loading = this.deps
          .spentSince({ name: access.name, keyId: storeKeyIdOf(access) }, bucket.since ?? 0)
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
    if (seeded.size > 10_000) this.forgetPastPeriods(seeded, plan);
    if (pending.length === 0) {
      plan.seededIn = backend;
      plan.seededGeneration = generation;
      return undefined;
    }
    return Promise.all(pending).then(() => undefined);
  }

  /** Keeps the seeded-set small: entries of periods that ended are dropped (their keys never return). */
  private forgetPastPeriods(seeded: Map<string, Promise<void> | true>, current: LimitPlan): void {
    const keep = new Set(current.buckets.map((b) => b.key));
    for (const key of seeded.keys()) if (!keep.has(key) && !key.endsWith(':usd:total')) seeded.delete(key);
  }
}
