import type { GatewayError } from '../errors/gateway-error.js';
import type { AttemptRecord, RouteMode } from '../telemetry/request-record.js';
import { type AttemptResult, attemptTarget, type SendAttempt } from './attempt.js';
import { admissibleTargets, orderCandidates } from './candidate-order.js';
import type { BreakerSettings } from './circuit-breaker.js';
import { isRequestRefusal } from './classify.js';
import { type Failure, failureOutcome } from './failure-outcome.js';
import { decideAfterFailure, type RetrySettings } from './retry-policy.js';
import type { ModelRoute, RouteTarget } from './route-table.js';
import type { RoutingState } from './routing-state.js';
import type { UpstreamReply } from './upstream-reply.js';

export type RouteOutcome<R extends UpstreamReply> =
  | { ok: true; reply: R; target: RouteTarget; mode: RouteMode; attempts: AttemptRecord[] }
  | { ok: false; error: GatewayError; attempts: AttemptRecord[] };

export interface RouteContext {
  state: RoutingState;
  retry: RetrySettings;
  breaker: BreakerSettings;
  /** Time the router may spend across attempts and waits. */
  budgetMs: number;
  now: () => number;
  random: () => number;
  sleep: (ms: number) => Promise<void>;
  /** True once the client has gone away (or the request's deadline passed). */
  isCancelled: () => boolean;
  /** Session key for sticky routing, when the request carries one. */
  stickyKey?: string | undefined;
  stickyTtlMs?: number | undefined;
  /** For log lines about this request. */
  requestId?: string | undefined;
}

/**
 * The targets of `order` a request skipped: those not admitted because they were cooling, and those passed over
 * after admission; worked out only once it has failed.
 */
function skippedTargets(
  order: readonly RouteTarget[],
  admitted: readonly RouteTarget[],
  passedOver: readonly RouteTarget[],
): Set<RouteTarget> {
  const skipped = new Set(passedOver);
  for (const target of order) if (!admitted.includes(target)) skipped.add(target);
  return skipped;
}

/** Updates breaker and statistics with one attempt's outcome. */
function learn<R extends UpstreamReply>(context: RouteContext, target: RouteTarget, result: AttemptResult<R>): void {
  const runtime = context.state.target(target.id);
  const now = context.now();
  if (result.kind === 'answer' || result.targetServed) {
    runtime.breaker.onSuccess();
    runtime.stats.record(now, true, result.latencyMs);
    return;
  }
  const { errorClass } = result;
  if (
    errorClass === 'unsupported' ||
    errorClass === 'not_configured' ||
    errorClass === 'cancelled' ||
    errorClass === 'client_error' ||
    errorClass === 'internal' ||
    isRequestRefusal(errorClass)
  ) {
    runtime.breaker.release();
    return;
  }
  const reason = `${result.status > 0 ? `${result.status} ` : ''}${errorClass}${result.detail ? `: ${result.detail}` : ''}`;
  const coolFor = errorClass === 'rate_limit' ? result.retryAfterMs : undefined;
  runtime.breaker.onFailure(now, context.breaker, reason, coolFor);
  runtime.stats.record(now, false, result.latencyMs, reason);
}

/** Microseconds are the most a latency means here; more digits are timer noise (5.406109999981709). */
function roundMs(ms: number): number {
  return Math.round(ms * 1000) / 1000;
}

function attemptRecord<R extends UpstreamReply>(target: RouteTarget, result: AttemptResult<R>): AttemptRecord {
  if (result.kind === 'answer') {
    return {
      provider: target.provider.name,
      model: target.model,
      status: result.reply.status,
      errorClass: result.errorClass,
      latencyMs: roundMs(result.latencyMs),
    };
  }
  return {
    provider: target.provider.name,
    model: target.model,
    status: result.status,
    errorClass: result.errorClass,
    error: result.detail || undefined,
    latencyMs: roundMs(result.latencyMs),
  };
}

/** How early a timer may fire against Date.now() under load. */
const TIMER_SLACK_MS = 50;

/** `orderIndex` is the target's place in the preferred order, so serving past a cooling target is a fallback. */
function modeOf(orderIndex: number, attemptsOnTarget: number, sticky: boolean): RouteMode {
  if (orderIndex > 0) return 'fallback';
  if (attemptsOnTarget > 1) return 'retry';
  return sticky ? 'sticky' : 'direct';
}

/**
 * Routes one request: orders the model's targets (strategy, stickiness), skips cooling ones, and tries them
 * with the attempt primitive, letting the retry policy decide after each failure whether to retry the same
 * target, move on, or stop.
 */
export async function routeRequest<R extends UpstreamReply>(
  route: ModelRoute,
  send: SendAttempt<R>,
  context: RouteContext,
): Promise<RouteOutcome<R>> {
  const started = context.now();
  const stickyTargetId = context.stickyKey ? context.state.stickyTarget(context.stickyKey, started) : undefined;
  const candidateContext = { state: context.state, now: started, random: context.random, stickyTargetId };
  const order = orderCandidates(route, candidateContext);
  const { targets, forced } = admissibleTargets(order, candidateContext);
  const attempts: AttemptRecord[] = [];
  const failures: Failure[] = [];
  // Targets passed over after they were chosen (another request took a half-open trial meanwhile); the rest
  // of what was skipped is worked out only for a failure's message, not on every request.
  const passedOver: RouteTarget[] = [];
  const failed = () =>
    failureOutcome(order, failures, skippedTargets(order, targets, passedOver), attempts, context.state, context.now());

  for (let index = 0; index < targets.length; index++) {
    const target = targets[index] as RouteTarget;
    const breaker = context.state.target(target.id).breaker;
    for (let onTarget = 1; ; onTarget++) {
      if (context.isCancelled()) return failed();
      if (!target.provider.configured) {
        const result = {
          kind: 'failure' as const,
          errorClass: 'not_configured' as const,
          status: 0,
          detail: 'no API key',
          latencyMs: 0,
        };
        attempts.push(attemptRecord(target, result));
        failures.push({ target, result });
        break;
      }
      if (!forced && !breaker.tryAcquire(context.now())) {
        // Another request took the half-open trial (or the breaker opened) since the targets were chosen.
        passedOver.push(target);
        break;
      }
      const result = await attemptTarget(target, send, attempts.length, route.fallbackOn, context.requestId);
      learn(context, target, result);
      attempts.push(attemptRecord(target, result));
      if (result.kind === 'answer') {
        const sticky = stickyTargetId === target.id;
        if (context.stickyKey && result.reply.status < 400) {
          context.state.setSticky(context.stickyKey, target.id, context.now() + (context.stickyTtlMs ?? 0));
        }
        return {
          ok: true,
          reply: result.reply,
          target,
          mode: modeOf(order.indexOf(target), onTarget, sticky),
          attempts,
        };
      }
      failures.push({ target, result });
      const decision = decideAfterFailure({
        errorClass: result.errorClass,
        retryAfterMs: result.retryAfterMs,
        attemptsOnTarget: onTarget,
        hasNextTarget: index < targets.length - 1,
        budgetLeftMs: context.budgetMs - (context.now() - started),
        fallbackOn: route.fallbackOn,
        settings: context.retry,
        random: context.random,
      });
      if (decision.action === 'stop') return failed();
      if (decision.action === 'next') break;
      await context.sleep(decision.delayMs);
      // Timers count from the event loop's cached clock and may wake a few ms before a retry-after cooldown
      // ends; the retry would then find its own target cooling and give up.
      const early = breaker.coolingUntil - context.now();
      if (early > 0 && early <= TIMER_SLACK_MS) await context.sleep(early);
    }
  }
  return failed();
}
