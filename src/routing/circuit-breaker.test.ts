import { describe, expect, it } from 'vitest';
import { CircuitBreaker } from './circuit-breaker.js';

const settings = { failures: 3, windowMs: 30_000, cooldownMs: 10_000 };

describe('CircuitBreaker', () => {
  it('opens after N failures within the window, not before', () => {
    const breaker = new CircuitBreaker();
    breaker.onFailure(0, settings, '503');
    breaker.onFailure(1_000, settings, '503');
    expect(breaker.state(1_000)).toBe('closed');
    breaker.onFailure(2_000, settings, '503');
    expect(breaker.state(2_000)).toBe('open');
    expect(breaker.coolingUntil).toBe(12_000);
    expect(breaker.tryAcquire(5_000)).toBe(false);
  });

  it('forgets failures older than the window', () => {
    const breaker = new CircuitBreaker();
    breaker.onFailure(0, settings, 'x');
    breaker.onFailure(1_000, settings, 'x');
    breaker.onFailure(40_000, settings, 'x');
    expect(breaker.state(40_000)).toBe('closed');
  });

  it('lets exactly one trial through when half-open, and closes on its success', () => {
    const breaker = new CircuitBreaker();
    for (const t of [0, 1, 2]) breaker.onFailure(t, settings, 'x');
    expect(breaker.state(10_002)).toBe('half-open');
    expect(breaker.tryAcquire(10_002)).toBe(true);
    expect(breaker.tryAcquire(10_003)).toBe(false);
    breaker.onSuccess();
    expect(breaker.state(10_004)).toBe('closed');
    expect(breaker.tryAcquire(10_004)).toBe(true);
  });

  it('re-opens for a full cooldown when the half-open trial fails', () => {
    const breaker = new CircuitBreaker();
    for (const t of [0, 1, 2]) breaker.onFailure(t, settings, 'x');
    breaker.tryAcquire(10_002);
    breaker.onFailure(10_500, settings, 'still down');
    expect(breaker.state(10_500)).toBe('open');
    expect(breaker.coolingUntil).toBe(20_500);
    expect(breaker.reason).toBe('still down');
  });

  it('counts every state it enters, an open shorter than any scrape included, and not a longer cooling', () => {
    const breaker = new CircuitBreaker();
    for (const t of [0, 1, 2]) breaker.onFailure(t, settings, 'x');
    breaker.onFailure(3, settings, '429', 60_000); // already open: cooled longer, no transition
    expect(breaker.entered).toEqual({ closed: 0, open: 1, 'half-open': 0 });
    breaker.tryAcquire(60_003); // half-open, seen once however often it is asked
    breaker.state(60_004);
    breaker.onFailure(60_005, settings, 'still down');
    expect(breaker.entered).toEqual({ closed: 0, open: 2, 'half-open': 1 });
    breaker.tryAcquire(70_005);
    breaker.onSuccess();
    breaker.onSuccess(); // closed stays closed
    expect(breaker.entered).toEqual({ closed: 1, open: 2, 'half-open': 2 });
  });

  it('cools for exactly the retry-after an upstream asked for, after a single 429', () => {
    const breaker = new CircuitBreaker();
    breaker.onFailure(1_000, settings, '429', 12_000);
    expect(breaker.state(12_999)).toBe('open');
    expect(breaker.state(13_000)).toBe('half-open');
  });

  it('frees the trial slot when the trial ends without a verdict', () => {
    const breaker = new CircuitBreaker();
    for (const t of [0, 1, 2]) breaker.onFailure(t, settings, 'x');
    expect(breaker.tryAcquire(10_002)).toBe(true);
    breaker.release();
    expect(breaker.tryAcquire(10_003)).toBe(true);
  });
});
