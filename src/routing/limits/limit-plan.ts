import type { RateLimits } from '../../config/key-policy-schema.js';
import type { BudgetCalendar } from './budget-calendar.js';
import type { ClientAccess } from './client-access.js';
import { modelLimitsFor } from './client-access.js';
import type { Bucket } from './limit-buckets.js';

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

function rateBuckets(
  out: Bucket[],
  prefix: string,
  limits: RateLimits,
  ask: LimitAsk,
  windowEnd: number,
  pattern: string | undefined,
): void {
  const window = windowEnd - MINUTE_MS;
  if (limits.rpm !== undefined) {
    out.push({
      key: `${prefix}:rpm:${window}`,
      kind: 'requests',
      limit: limits.rpm,
      amount: 1,
      resetAt: windowEnd,
      label: 'requests per minute',
      pattern,
    });
  }
  if (limits.tpm !== undefined) {
    out.push({
      key: `${prefix}:tpm:${window}`,
      kind: 'tokens',
      limit: limits.tpm,
      amount: ask.tokens,
      resetAt: windowEnd,
      label: 'tokens per minute',
      pattern,
    });
  }
  if (limits.max_concurrent !== undefined) {
    out.push({
      key: `${prefix}:conc`,
      kind: 'concurrent',
      limit: limits.max_concurrent,
      amount: 1,
      resetAt: Number.POSITIVE_INFINITY,
      label: 'concurrent requests',
      pattern,
    });
  }
}

/**
 * The counters a request is checked against: the key's rate limits, those of the first `model_limits` pattern
 * its model matches, and its budgets. Rate windows are fixed calendar minutes (the reset a client is told is
 * the end of the current one); budget days and months follow the calendar's time zone.
 */
export function planBuckets(access: ClientAccess, ask: LimitAsk, calendar: BudgetCalendar, now: number): Bucket[] {
  const buckets: Bucket[] = [];
  const scope = `amg:lim:${access.scope}`;
  const windowEnd = Math.floor(now / MINUTE_MS) * MINUTE_MS + MINUTE_MS;
  rateBuckets(buckets, scope, access.policy, ask, windowEnd, undefined);
  const perModel = modelLimitsFor(access, ask.model);
  if (perModel)
    rateBuckets(buckets, `${scope}:m:${perModel.pattern}`, perModel.limits, ask, windowEnd, perModel.pattern);
  const budgets = access.policy.budgets;
  if (budgets) {
    const amount = Math.ceil(ask.costUsd * MICROS_PER_USD);
    const budget = (key: string, usd: number, since: number, resetAt: number, label: string): Bucket => ({
      key: `${scope}:usd:${key}`,
      kind: 'budget',
      limit: Math.round(usd * MICROS_PER_USD),
      amount,
      resetAt,
      label,
      pattern: undefined,
      since,
    });
    if (budgets.day !== undefined) {
      const day = calendar.dayAt(now);
      buckets.push(budget(`day:${day.id}`, budgets.day, day.startsAt, day.endsAt, 'daily budget'));
    }
    if (budgets.month !== undefined) {
      const month = calendar.monthAt(now);
      buckets.push(budget(`month:${month.id}`, budgets.month, month.startsAt, month.endsAt, 'monthly budget'));
    }
    if (budgets.total !== undefined) {
      buckets.push(budget('total', budgets.total, access.createdAt, Number.POSITIVE_INFINITY, 'total budget'));
    }
  }
  return buckets;
}
