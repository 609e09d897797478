import type { RateLimits } from '../../config/key-policy-schema.js';
import type { BudgetCalendar } from './budget-calendar.js';
import type { ClientAccess, ModelLimits } from './client-access.js';
import type { Bucket, LimitBackend } from './limit-buckets.js';
import { LimitHeaderTexts } from './rate-limit-headers.js';

const MINUTE_MS = 60_000;
export const MICROS_PER_USD = 1_000_000;

/** What one request asks of a client's limits. */
export interface LimitAsk {
  readonly model: string;
  /** Input + output tokens reserved. */
  readonly tokens: number;
  /** USD reserved for the budgets. */
  readonly costUsd: number;
}

/**
 * The counters every request of one client (and `model_limits` pattern) is checked against while the plan
 * holds: from `from` until `until`, the current minute window and budget periods. Built once per window, not
 * per request (see LimitPlans).
 */
export interface LimitPlan {
  readonly buckets: readonly Bucket[];
  readonly from: number;
  readonly until: number;
  readonly calendar: BudgetCalendar;
  /** The buckets the rate-limit headers of an admitted request report: the key's own, else a model's; -1: none. */
  readonly requestsAt: number;
  readonly tokensAt: number;
  /** Their header texts, formatted once (undefined when the index is -1). */
  readonly requestsTexts: LimitHeaderTexts | undefined;
  readonly tokensTexts: LimitHeaderTexts | undefined;
  /**
   * The model's bucket of that kind when the key has its own as well (-1: not both), and its texts: the headers
   * report whichever of the two has less left, the one the client's next request will meet first.
   */
  readonly requestsAlsoAt: number;
  readonly tokensAlsoAt: number;
  readonly requestsAlsoTexts: LimitHeaderTexts | undefined;
  readonly tokensAlsoTexts: LimitHeaderTexts | undefined;
  /** Whether any bucket is settled (tokens, budgets, concurrency): if none, a settlement has nothing to do. */
  readonly settles: boolean;
  readonly budgets: boolean;
  /** Whether it holds a concurrency slot (given back at every settlement, whatever was used). */
  readonly slots: boolean;
  /** The backend this plan's budget counters are known to be seeded in (a per-request check skipped). */
  seededIn: LimitBackend | undefined;
  /** That backend's generation when they were: a later one has to seed them again. */
  seededGeneration: number | undefined;
}

function rateBuckets(
  out: Bucket[],
  prefix: string,
  limits: RateLimits,
  windowEnd: number,
  pattern: string | undefined,
): void {
  const window = windowEnd - MINUTE_MS;
  const rate = (key: string, kind: Bucket['kind'], limit: number, resetAt: number, label: string) =>
    out.push({ key, kind, limit, resetAt, label, pattern });
  if (limits.rpm !== undefined) {
    rate(`${prefix}:rpm:${window}`, 'requests', limits.rpm, windowEnd, 'requests per minute');
  }
  if (limits.tpm !== undefined) rate(`${prefix}:tpm:${window}`, 'tokens', limits.tpm, windowEnd, 'tokens per minute');
  if (limits.max_concurrent !== undefined) {
    rate(`${prefix}:conc`, 'concurrent', limits.max_concurrent, Number.POSITIVE_INFINITY, 'concurrent requests');
  }
}

/** The first bucket of a kind, the key's own before a model's; -1 when there is none. */
function reported(buckets: readonly Bucket[], kind: Bucket['kind']): number {
  const own = buckets.findIndex((b) => b.kind === kind && b.pattern === undefined);
  return own !== -1 ? own : buckets.findIndex((b) => b.kind === kind);
}

/** The model's bucket of a kind when the key's own was reported first; -1 when there are not two. */
function alsoReported(buckets: readonly Bucket[], kind: Bucket['kind'], first: number): number {
  if (first === -1 || buckets[first]?.pattern !== undefined) return -1;
  return buckets.findIndex((b) => b.kind === kind && b.pattern !== undefined);
}

/**
 * Of the two buckets of a kind a request is reported against (the key's own and its model's), the one with less
 * left after `used`: a key with 600 RPM and 1 for gpt-4o was told 599 remaining just before its 429.
 */
export function tighterOf(buckets: readonly Bucket[], used: readonly number[], at: number, alsoAt: number): number {
  if (alsoAt === -1) return at;
  const left = (i: number) => (buckets[i] as Bucket).limit - ((used[i] as number | undefined) ?? 0);
  return left(alsoAt) < left(at) ? alsoAt : at;
}

function textsOf(bucket: Bucket | undefined): LimitHeaderTexts | undefined {
  return bucket && new LimitHeaderTexts(bucket.limit, bucket.resetAt);
}

/**
 * The counters a request is checked against: the key's rate limits, those of `perModel` (the first
 * `model_limits` pattern its model matches), and its budgets. Rate windows are fixed calendar minutes (the
 * reset a client is told is the end of the current one); budget days and months follow the calendar's time zone.
 */
export function planBuckets(
  access: ClientAccess,
  perModel: ModelLimits | undefined,
  calendar: BudgetCalendar,
  now: number,
): LimitPlan {
  const buckets: Bucket[] = [];
  const scope = `amg:lim:${access.scope}`;
  const windowEnd = Math.floor(now / MINUTE_MS) * MINUTE_MS + MINUTE_MS;
  let from = windowEnd - MINUTE_MS;
  let until = windowEnd;
  rateBuckets(buckets, scope, access.policy, windowEnd, undefined);
  if (perModel) rateBuckets(buckets, `${scope}:m:${perModel.pattern}`, perModel.limits, windowEnd, perModel.pattern);
  const budgets = access.policy.budgets;
  if (budgets) {
    const budget = (key: string, usd: number, since: number, resetAt: number, label: string) =>
      buckets.push({
        key: `${scope}:usd:${key}`,
        kind: 'budget',
        limit: Math.round(usd * MICROS_PER_USD),
        resetAt,
        label,
        pattern: undefined,
        since,
      });
    if (budgets.day !== undefined) {
      const day = calendar.dayAt(now);
      budget(`day:${day.id}`, budgets.day, day.startsAt, day.endsAt, 'daily budget');
      from = Math.max(from, day.startsAt);
      until = Math.min(until, day.endsAt);
    }
    if (budgets.month !== undefined) {
      const month = calendar.monthAt(now);
      budget(`month:${month.id}`, budgets.month, month.startsAt, month.endsAt, 'monthly budget');
      from = Math.max(from, month.startsAt);
      until = Math.min(until, month.endsAt);
    }
    if (budgets.total !== undefined) {
      budget('total', budgets.total, access.createdAt, Number.POSITIVE_INFINITY, 'total budget');
    }
  }
  const requestsAt = reported(buckets, 'requests');
  const tokensAt = reported(buckets, 'tokens');
  const requestsAlsoAt = alsoReported(buckets, 'requests', requestsAt);
  const tokensAlsoAt = alsoReported(buckets, 'tokens', tokensAt);
  return {
    buckets,
    from,
    until,
    calendar,
    requestsAt,
    tokensAt,
    requestsTexts: textsOf(buckets[requestsAt]),
    tokensTexts: textsOf(buckets[tokensAt]),
    requestsAlsoAt,
    tokensAlsoAt,
    requestsAlsoTexts: textsOf(buckets[requestsAlsoAt]),
    tokensAlsoTexts: textsOf(buckets[tokensAlsoAt]),
    settles: buckets.some((b) => b.kind !== 'requests'),
    budgets: buckets.some((b) => b.kind === 'budget'),
    slots: buckets.some((b) => b.kind === 'concurrent'),
    seededIn: undefined,
    seededGeneration: undefined,
  };
}

/**
 * The buckets of the plan each plan replaced (the same client and pattern, the window before): a shared backend
 * sizes a busy key's first lease of a new window by the old one's traffic (see RedisLimitBackend.leaseOf).
 */
export const precedingBuckets = new WeakMap<readonly Bucket[], readonly Bucket[]>();

/**
 * Each client's current plans, one per `model_limits` pattern (and one for models matching none), rebuilt when
 * the window or a budget period turns over or the calendar changes. Keyed by the compiled ClientAccess: a key
 * updated (`amg keys update`) or reloaded from config compiles a new one, so its next request plans afresh.
 */
export class LimitPlans {
  private readonly byAccess = new WeakMap<ClientAccess, Array<LimitPlan | undefined>>();

  planFor(access: ClientAccess, model: string, calendar: BudgetCalendar, now: number): LimitPlan {
    let index = 0;
    const perModel = access.modelLimits;
    while (index < perModel.length && !(perModel[index] as ModelLimits).matches(model)) index++;
    let plans = this.byAccess.get(access);
    if (!plans) {
      plans = [];
      this.byAccess.set(access, plans);
    }
    const cached = plans[index];
    if (cached && cached.calendar === calendar && now >= cached.from && now < cached.until) return cached;
    const plan = planBuckets(access, perModel[index], calendar, now);
    if (cached) {
      // Only the window before is kept: left linked to its own predecessor, each plan would hold every plan the
      // key had before it (a WeakMap keeps a value while its key lives), a plan a minute for as long as it is used.
      precedingBuckets.delete(cached.buckets);
      precedingBuckets.set(plan.buckets, cached.buckets);
    }
    plans[index] = plan;
    return plan;
  }
}
