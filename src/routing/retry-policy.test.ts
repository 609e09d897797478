import { describe, expect, it } from 'vitest';
import type { ErrorClass } from '../telemetry/request-record.js';
import { backoffDelay, type DecisionContext, decideAfterFailure } from './retry-policy.js';

const settings = { maxAttempts: 3, backoffMs: 200, maxBackoffMs: 5_000, respectRetryAfter: true };
const context = (overrides: Partial<DecisionContext>): DecisionContext => ({
  errorClass: 'server_error',
  attemptsOnTarget: 1,
  hasNextTarget: false,
  budgetLeftMs: 20_000,
  fallbackOn: new Set<ErrorClass>(['rate_limit', 'server_error', 'timeout', 'connection']),
  settings,
  random: () => 0.5,
  ...overrides,
});

describe('decideAfterFailure', () => {
  it('moves on to the next target rather than retrying, while one remains', () => {
    expect(decideAfterFailure(context({ hasNextTarget: true }))).toEqual({ action: 'next' });
  });

  it('retries the last target after a backoff for transient failures', () => {
    expect(decideAfterFailure(context({}))).toEqual({ action: 'retry', delayMs: 150 });
    expect(decideAfterFailure(context({ attemptsOnTarget: 2 }))).toEqual({ action: 'retry', delayMs: 300 });
  });

  it('stops when the target has had its attempts', () => {
    expect(decideAfterFailure(context({ attemptsOnTarget: 3 }))).toEqual({ action: 'stop' });
  });

  it('waits for retry-after when it fits in the budget, and gives up when it does not', () => {
    expect(decideAfterFailure(context({ errorClass: 'rate_limit', retryAfterMs: 2_000 }))).toEqual({
      action: 'retry',
      delayMs: 2_000,
    });
    expect(decideAfterFailure(context({ errorClass: 'rate_limit', retryAfterMs: 60_000 }))).toEqual({ action: 'stop' });
  });

  it('ignores retry-after when told to', () => {
    const decision = decideAfterFailure(
      context({ errorClass: 'rate_limit', retryAfterMs: 60_000, settings: { ...settings, respectRetryAfter: false } }),
    );
    expect(decision).toEqual({ action: 'retry', delayMs: 150 });
  });

  it('never retries a client error or an opt-in class, and falls back on an opt-in class only when enabled', () => {
    expect(decideAfterFailure(context({ errorClass: 'client_error', hasNextTarget: true }))).toEqual({
      action: 'stop',
    });
    expect(decideAfterFailure(context({ errorClass: 'context_length', hasNextTarget: true }))).toEqual({
      action: 'stop',
    });
    const optIn = new Set<ErrorClass>(['context_length']);
    expect(
      decideAfterFailure(context({ errorClass: 'context_length', hasNextTarget: true, fallbackOn: optIn })),
    ).toEqual({ action: 'next' });
  });

  it('retries the same target but does not fall back when the class is left out of fallback_on', () => {
    const fallbackOn = new Set<ErrorClass>(['rate_limit']);
    expect(decideAfterFailure(context({ hasNextTarget: true, fallbackOn }))).toEqual({ action: 'retry', delayMs: 150 });
  });

  it('always moves on from a provider whose key is rejected, and stops on cancellation', () => {
    expect(decideAfterFailure(context({ errorClass: 'auth', hasNextTarget: true, fallbackOn: new Set() }))).toEqual({
      action: 'next',
    });
    expect(decideAfterFailure(context({ errorClass: 'cancelled', hasNextTarget: true }))).toEqual({ action: 'stop' });
  });
});

describe('backoffDelay', () => {
  it('doubles per attempt with jitter and respects the cap', () => {
    expect(backoffDelay(1, settings, () => 0)).toBe(100);
    expect(backoffDelay(1, settings, () => 1)).toBe(200);
    expect(backoffDelay(4, settings, () => 1)).toBe(1_600);
    expect(backoffDelay(10, settings, () => 1)).toBe(5_000);
  });
});
