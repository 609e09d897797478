import { errors } from '../errors/codes.js';
import type { GatewayError } from '../errors/gateway-error.js';
import { credentialFix } from '../providers/credential-fix.js';
import type { AttemptRecord, ErrorClass } from '../telemetry/request-record.js';
import type { AttemptResult } from './attempt.js';
import type { RouteTarget } from './route-table.js';
import type { RoutingState } from './routing-state.js';
import type { UpstreamReply } from './upstream-reply.js';

export interface Failure {
  target: RouteTarget;
  result: Extract<AttemptResult<UpstreamReply>, { kind: 'failure' }>;
}

/** Classes of failures that never reached an upstream: they say nothing about the status to answer with. */
const NOT_SENT: ReadonlySet<ErrorClass> = new Set(['not_configured', 'unsupported', 'cancelled', 'internal']);
/** Classes where the upstream refused the request itself: the client gets that 4xx, not a gateway 502. */
const REQUEST_REFUSED: ReadonlySet<ErrorClass> = new Set(['context_length', 'content_filter']);

function coolingNote(target: RouteTarget, state: RoutingState, now: number): string {
  const breaker = state.target(target.id).breaker;
  const cooling = breaker.coolingUntil - now;
  if (cooling > 0) return `cooling ${Math.ceil(cooling / 1000)}s`;
  return breaker.trialInFlight ? 'half-open, its trial request is in flight' : '';
}

function describeFailure(failure: Failure, times: number, state: RoutingState, now: number): string {
  const { target, result } = failure;
  const cooling = coolingNote(target, state, now);
  const notes = [result.errorClass, ...(cooling ? [cooling] : [])].join(', ');
  const status = result.status > 0 ? ` ${result.status}` : '';
  const repeat = times > 1 ? ` ×${times}` : '';
  return `${target.provider.name}${status}${repeat} (${notes}${result.detail ? `: ${result.detail}` : ''})`;
}

function describeSkipped(target: RouteTarget, state: RoutingState, now: number): string {
  const reason = state.target(target.id).breaker.reason;
  const note = coolingNote(target, state, now) || 'cooling';
  return `${target.provider.name} (not tried, ${note}${reason ? `: ${reason}` : ''})`;
}

function sameFailure(a: Failure, b: Failure): boolean {
  const [x, y] = [a.result, b.result];
  return a.target === b.target && x.status === y.status && x.errorClass === y.errorClass && x.detail === y.detail;
}

/** What was tried, in the order of the model's targets: skipped ones too, repeated attempts counted once. */
function whatWasTried(
  order: readonly RouteTarget[],
  failures: readonly Failure[],
  skipped: ReadonlySet<RouteTarget>,
  state: RoutingState,
  now: number,
): string {
  const parts: string[] = [];
  for (const target of order) {
    const mine = failures.filter((f) => f.target === target);
    if (mine.length === 0 && skipped.has(target)) parts.push(describeSkipped(target, state, now));
    for (let i = 0; i < mine.length; ) {
      let times = 1;
      while (i + times < mine.length && sameFailure(mine[i] as Failure, mine[i + times] as Failure)) times++;
      parts.push(describeFailure(mine[i] as Failure, times, state, now));
      i += times;
    }
  }
  return parts.join(', ');
}

/** The fix an operator can make for the failure that decided the answer, when the gateway knows one. */
function fixFor(decisive: Failure | undefined): string {
  if (decisive?.result.errorClass !== 'auth') return '';
  const { provider } = decisive.target;
  return `; ${credentialFix(provider.name, provider.config, provider.apiKeyEnv)}`;
}

/** The status of the answer: from the last failure that reached an upstream. */
function finalError(decisive: Failure, summary: string): GatewayError {
  const { status, errorClass, retryAfterMs } = decisive.result;
  const headers = retryAfterMs !== undefined ? { 'retry-after': String(Math.ceil(retryAfterMs / 1000)) } : undefined;
  if (REQUEST_REFUSED.has(errorClass) && status >= 400 && status < 500) {
    return errors.upstreamRejected(status, 'invalid_request', summary, { headers });
  }
  const finalStatus = status === 429 || status >= 500 ? status : errorClass === 'timeout' ? 504 : 502;
  return errors.upstreamFailed(summary, finalStatus, { headers });
}

/**
 * The error a client gets when no target produced an answer: a refusal or a missing key when no attempt
 * reached an upstream, else a list of what was tried and skipped, with the status (and retry-after) of the
 * last upstream failure, or 502/504.
 */
export function failureOutcome(
  order: readonly RouteTarget[],
  failures: Failure[],
  skipped: ReadonlySet<RouteTarget>,
  attempts: AttemptRecord[],
  state: RoutingState,
  now: number,
): { ok: false; error: GatewayError; attempts: AttemptRecord[] } {
  const last = failures[failures.length - 1];
  // The gateway failed itself: a 500 of its own, whatever the upstreams said before.
  if (last?.result.errorClass === 'internal') return { ok: false, error: errors.internal(), attempts };
  const decisive = failures.findLast((f) => !NOT_SENT.has(f.result.errorClass));
  if (!decisive && last) {
    const refusal = failures.findLast((f) => f.result.refusal)?.result.refusal;
    if (refusal) return { ok: false, error: refusal, attempts };
    if (failures.every((f) => f.result.errorClass === 'not_configured')) {
      const { provider } = last.target;
      return { ok: false, error: errors.providerNotConfigured(provider.name, provider.apiKeyEnv), attempts };
    }
  }
  const tried = whatWasTried(order, failures, skipped, state, now);
  if (failures.length === 0)
    return { ok: false, error: errors.upstreamFailed(`no target could be tried: ${tried}`, 503), attempts };
  const count = new Set([...failures.map((f) => f.target), ...skipped]).size;
  // "all 1 target failed" reads as a bug to an operator; a route of one target says so plainly.
  const summary = `${count === 1 ? 'the only target' : `all ${count} targets`} failed: ${tried}${fixFor(decisive)}`;
  return { ok: false, error: decisive ? finalError(decisive, summary) : errors.upstreamFailed(summary, 502), attempts };
}
