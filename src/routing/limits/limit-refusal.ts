import type { ClientDialect } from '../../api/shared/client-dialect.js';
import { errors } from '../../errors/codes.js';
import type { GatewayError } from '../../errors/gateway-error.js';
import type { Admission, Bucket, BucketKind, Charge } from './limit-buckets.js';
import { type LimitPlan, MICROS_PER_USD, tighterOf } from './limit-plan.js';
import { type LimitState, rateLimitHeaders } from './rate-limit-headers.js';
import { DEFAULT_OUTPUT_RESERVATION } from './request-estimate.js';

/**
 * The bucket of a kind to report: the refusing one if it is of that kind, else of the key's own and its model's
 * the one with less left.
 */
function stateOf(kind: BucketKind, plan: LimitPlan, admission: Admission, refused: Bucket): LimitState | undefined {
  const index =
    refused.kind === kind
      ? admission.denied
      : kind === 'requests'
        ? tighterOf(plan.buckets, admission.used, plan.requestsAt, plan.requestsAlsoAt)
        : tighterOf(plan.buckets, admission.used, plan.tokensAt, plan.tokensAlsoAt);
  const bucket = plan.buckets[index];
  if (!bucket) return undefined;
  const used = admission.used[index] as number;
  return { limit: bucket.limit, remaining: bucket.limit - used, resetAt: bucket.resetAt };
}

/**
 * "$50.00", or to the hundredth of a cent below a dollar ("$0.0018"), or to the micro-dollar below that
 * ("$0.000005"), so a small budget does not read "$0.00".
 */
function usd(micros: number): string {
  const value = micros / MICROS_PER_USD;
  if (value >= 1) return `$${value.toFixed(2)}`;
  if (value === 0 || value >= 0.0001) return `$${value.toFixed(4).replace(/0{1,2}$/, '')}`;
  return `$${value.toFixed(6).replace(/0+$/, '')}`;
}

/** "2026-12-05T00:00:00+01:00": the reset in the budget's own time zone, as an operator reads it. */
function zonedTime(ms: number, timeZone: string): string {
  const parts = new Intl.DateTimeFormat('en-CA', {
    timeZone,
    hourCycle: 'h23',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
    timeZoneName: 'longOffset',
  }).formatToParts(ms);
  const get = (type: string) => parts.find((p) => p.type === type)?.value ?? '';
  const offset = get('timeZoneName').replace('GMT', '') || '+00:00';
  return `${get('year')}-${get('month')}-${get('day')}T${get('hour')}:${get('minute')}:${get('second')}${offset}`;
}

/**
 * Why a budget refused: spent (and reserved) to its limit, or with room left that this request's estimate does
 * not fit in. A new key with a budget below one request's estimate was told it had "reached" a budget it had
 * not touched, with no hint that the estimate (and max_tokens) was what did not fit.
 */
function budgetReason(client: string, refused: Bucket, spent: number, estimate: number): string {
  const budget = `${refused.label} of ${usd(refused.limit)}`;
  if (spent >= refused.limit) {
    return `the key "${client}" has reached its ${budget} (${usd(spent)} spent or reserved by requests in flight)`;
  }
  return (
    `the key "${client}" has ${usd(refused.limit - spent)} left of its ${budget}, less than this request's ` +
    `estimated cost of ${usd(estimate)} (its input and max_tokens, or ${DEFAULT_OUTPUT_RESERVATION} output tokens when it sets none, at ` +
    'the dearest price of its targets; a lower max_tokens may fit)'
  );
}

/**
 * The 429 for a refused request, in words that name the limit and when it resets, with retry-after and the
 * client dialect's rate-limit headers. A spent budget says so as OpenAI's insufficient_quota and tells the SDKs
 * not to retry (x-should-retry: false): no retry can pass before the budget's period ends.
 */
export function limitRefusal(
  client: string,
  plan: LimitPlan,
  admission: Admission,
  charge: Charge,
  dialect: ClientDialect,
  now: number,
  timeZone: string,
): GatewayError {
  const refused = plan.buckets[admission.denied] as Bucket;
  const headers = rateLimitHeaders(
    dialect,
    stateOf('requests', plan, admission, refused),
    stateOf('tokens', plan, admission, refused),
    now,
  );
  const untilReset = refused.resetAt - now;
  if (Number.isFinite(untilReset)) headers['retry-after'] = String(Math.max(1, Math.ceil(untilReset / 1_000)));
  if (refused.kind === 'budget') {
    const spent = admission.used[admission.denied] as number;
    const resets = Number.isFinite(refused.resetAt)
      ? `it resets at ${zonedTime(refused.resetAt, timeZone)} (${timeZone})`
      : 'it does not reset; an operator can raise it with amg keys update';
    return errors.budgetExceeded(`${budgetReason(client, refused, spent, charge.micros)}; ${resets}`, headers);
  }
  if (refused.kind === 'concurrent') headers['retry-after'] = '1';
  const scope = refused.pattern === undefined ? '' : ` for models matching "${refused.pattern}"`;
  // "1 request per minute", "1 concurrent request": the labels are plural.
  const label = refused.limit === 1 ? refused.label.replace(/s\b/, '') : refused.label;
  const retry = refused.kind === 'concurrent' ? 'when one of its requests ends' : `after ${headers['retry-after']}s`;
  const used = admission.used[admission.denied] as number;
  if (refused.kind === 'tokens' && used < refused.limit) {
    // Room is left, but not this request's reservation: say so, as for a budget, or a client told
    // remaining-tokens 82 is refused with no hint that its max_tokens is what did not fit.
    return errors.rateLimited(
      `the key "${client}" has ${refused.limit - used} of its limit of ${refused.limit} ${label}${scope} left, ` +
        `less than this request's estimate of ${charge.tokens} tokens (its input and max_tokens, or ${DEFAULT_OUTPUT_RESERVATION} output ` +
        `tokens when it sets none; a lower max_tokens may fit); retry ${retry}`,
      headers,
    );
  }
  return errors.rateLimited(
    `the key "${client}" is over its limit of ${refused.limit} ${label}${scope}; retry ${retry}`,
    headers,
  );
}
