export type BreakerState = 'closed' | 'open' | 'half-open';

export interface BreakerSettings {
  /** Failures within the window that open the breaker. */
  failures: number;
  windowMs: number;
  /** How long an opened breaker stays open before one trial request may pass. */
  cooldownMs: number;
}

/**
 * The longest an upstream's retry-after cools a target (unless `cooldownMs` is longer): a 429 saying
 * `retry-after: 999999999` (a broken proxy, a daily quota) must not take a target out for years, only until
 * an hourly trial request, which a quota still exhausted answers with another 429.
 */
export const MAX_RETRY_AFTER_COOL_MS = 3_600_000;

/**
 * Per-target circuit breaker, a pure state machine on an injected clock. `failures` failures within
 * `windowMs` open it for `cooldownMs`; an upstream's retry-after cools it for that long (at most an hour, or
 * `cooldownMs` when that is longer). After the
 * cooldown it is half-open: one request (or a health probe) is let through, and its outcome closes it again
 * or re-opens it.
 */
export class CircuitBreaker {
  private failureTimes: number[] = [];
  private openUntil = 0;
  private opened = false;
  private probeInFlight = false;
  private halfOpenCounted = false;
  reason: string | undefined;
  /**
   * How many times the breaker entered each state, for a transitions counter: a scrape of the state gauge
   * misses an open shorter than its interval, a count does not. Half-open is counted when first seen (the
   * state follows from the clock, not an event).
   */
  readonly entered: Record<BreakerState, number> = { closed: 0, open: 0, 'half-open': 0 };

  state(now: number): BreakerState {
    if (!this.opened) return 'closed';
    if (now < this.openUntil) return 'open';
    if (!this.halfOpenCounted) {
      this.halfOpenCounted = true;
      this.entered['half-open']++;
    }
    return 'half-open';
  }

  /** When an open breaker lets a trial request through (0 when closed). */
  get coolingUntil(): number {
    return this.opened ? this.openUntil : 0;
  }

  /** Whether `tryAcquire` would let a request through now (closed, or half-open with no trial in flight). */
  available(now: number): boolean {
    const state = this.state(now);
    return state === 'closed' || (state === 'half-open' && !this.probeInFlight);
  }

  /** Whether a half-open breaker is waiting for the outcome of its one trial request. */
  get trialInFlight(): boolean {
    return this.probeInFlight;
  }

  /** Whether a request may go to this target now; in half-open, only one at a time. */
  tryAcquire(now: number): boolean {
    const state = this.state(now);
    if (state === 'closed') return true;
    if (state === 'open' || this.probeInFlight) return false;
    this.probeInFlight = true;
    return true;
  }

  /** Ends a half-open trial without a verdict (e.g. the client went away). */
  release(): void {
    this.probeInFlight = false;
  }

  onSuccess(): void {
    if (this.opened) this.entered.closed++;
    this.opened = false;
    this.halfOpenCounted = false;
    this.probeInFlight = false;
    this.failureTimes = [];
    this.reason = undefined;
  }

  /**
   * Records a failure. `coolForMs` (from retry-after) opens the breaker at once for that long; otherwise it
   * opens when the failures in the window reach the threshold, or when a half-open trial fails.
   */
  onFailure(now: number, settings: BreakerSettings, reason: string, coolForMs?: number): void {
    const wasTrial = this.probeInFlight || this.state(now) === 'half-open';
    this.probeInFlight = false;
    this.failureTimes.push(now);
    const windowStart = now - settings.windowMs;
    while (this.failureTimes.length > 0 && (this.failureTimes[0] as number) < windowStart) this.failureTimes.shift();
    if (coolForMs !== undefined && coolForMs > 0) {
      this.open(now + Math.min(coolForMs, Math.max(MAX_RETRY_AFTER_COOL_MS, settings.cooldownMs)), reason);
    } else if (wasTrial || this.failureTimes.length >= settings.failures) {
      this.open(now + settings.cooldownMs, reason);
    }
  }

  private open(until: number, reason: string): void {
    // Closed or half-open to open is a transition; an open breaker cooled for longer is not.
    if (!this.opened || this.halfOpenCounted) {
      this.entered.open++;
      this.halfOpenCounted = false;
    }
    this.openUntil = this.opened ? Math.max(until, this.openUntil) : until;
    this.opened = true;
    this.reason = reason;
  }
}
