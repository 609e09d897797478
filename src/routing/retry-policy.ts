import type { ErrorClass } from '../telemetry/request-record.js';
import { isTransient } from './classify.js';

export interface RetrySettings {
  /** Attempts on one target, the first included. */
  maxAttempts: number;
  backoffMs: number;
  maxBackoffMs: number;
  respectRetryAfter: boolean;
}

export type Decision = { action: 'retry'; delayMs: number } | { action: 'next' } | { action: 'stop' };

export interface DecisionContext {
  errorClass: ErrorClass;
  retryAfterMs?: number | undefined;
  /** Attempts already made on this target. */
  attemptsOnTarget: number;
  hasNextTarget: boolean;
  /** Time left in the routing budget. */
  budgetLeftMs: number;
  fallbackOn: ReadonlySet<ErrorClass>;
  settings: RetrySettings;
  random: () => number;
}

/** Exponential backoff with equal jitter: half fixed, half random, capped. */
export function backoffDelay(attempt: number, settings: RetrySettings, random: () => number): number {
  const exponential = Math.min(settings.maxBackoffMs, settings.backoffMs * 2 ** Math.max(0, attempt - 1));
  return Math.round(exponential / 2 + (random() * exponential) / 2);
}

/**
 * What to do after a failed attempt. Another target is the quickest retry, so a failure whose class is in
 * `fallback_on` moves on while targets remain; the same target is retried only for transient failures when
 * there is nowhere else to go, after its retry-after (if asked to respect it) or a backoff, and only while
 * the routing budget lasts. Refusals, provider-key failures and unconfigured providers always move on.
 */
export function decideAfterFailure(context: DecisionContext): Decision {
  const { errorClass, hasNextTarget } = context;
  // The gateway's own fault would only repeat on the next target, and must not look like the upstream's.
  if (errorClass === 'cancelled' || errorClass === 'internal') return { action: 'stop' };
  if (errorClass === 'unsupported' || errorClass === 'auth' || errorClass === 'not_configured') {
    return hasNextTarget ? { action: 'next' } : { action: 'stop' };
  }
  const mayFallBack = context.fallbackOn.has(errorClass);
  if (mayFallBack && hasNextTarget) return { action: 'next' };
  if (!isTransient(errorClass) || context.attemptsOnTarget >= context.settings.maxAttempts) return { action: 'stop' };
  const delayMs =
    context.settings.respectRetryAfter && context.retryAfterMs !== undefined
      ? context.retryAfterMs
      : backoffDelay(context.attemptsOnTarget, context.settings, context.random);
  return delayMs <= context.budgetLeftMs ? { action: 'retry', delayMs } : { action: 'stop' };
}
