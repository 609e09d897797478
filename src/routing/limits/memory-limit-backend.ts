import type { Admission, Bucket, Charge, LimitBackend } from './limit-buckets.js';
import { amountOf, overLimit, settledDelta } from './limit-buckets.js';

interface Counter {
  value: number;
  /** When the counter is gone (its window ended); Infinity for counters that never end. */
  expiresAt: number;
}

/** How many admissions between sweeps of counters whose window has passed. */
const SWEEP_EVERY = 4_096;

/**
 * Counters in this process: one gateway enforces its limits exactly, and several gateways without Redis each
 * enforce their own (the fallback while Redis is unreachable). Synchronous, hence atomic per admission.
 * A counter is changed in place: an admission allocates nothing but its answer.
 */
export class MemoryLimitBackend implements LimitBackend {
  private readonly counters = new Map<string, Counter>();
  private admissions = 0;
  private readonly found: Array<Counter | undefined> = [];

  private live(key: string, now: number): Counter | undefined {
    const counter = this.counters.get(key);
    return counter && counter.expiresAt > now ? counter : undefined;
  }

  admit(buckets: readonly Bucket[], charge: Charge, now: number): Admission {
    if (++this.admissions % SWEEP_EVERY === 0) this.sweep(now);
    const used: number[] = new Array(buckets.length);
    // The counters the check finds, for the charge after it: one map lookup per bucket, not two. Reused
    // (admission is synchronous), and emptied before returning so it keeps no counter alive.
    const found = this.found;
    let denied = -1;
    for (let i = 0; i < buckets.length; i++) {
      const bucket = buckets[i] as Bucket;
      const counter = this.counters.get(bucket.key);
      found[i] = counter;
      const value = counter !== undefined && counter.expiresAt > now ? counter.value : 0;
      used[i] = value;
      if (denied === -1 && overLimit(bucket.kind, value, amountOf(bucket.kind, charge), bucket.limit)) denied = i;
    }
    if (denied !== -1) {
      found.fill(undefined);
      return { denied, used };
    }
    for (let i = 0; i < buckets.length; i++) {
      const bucket = buckets[i] as Bucket;
      const value = (used[i] as number) + amountOf(bucket.kind, charge);
      used[i] = value;
      const counter = found[i];
      found[i] = undefined;
      if (counter) {
        counter.value = value;
        counter.expiresAt = bucket.resetAt;
      } else this.counters.set(bucket.key, { value, expiresAt: bucket.resetAt });
    }
    return { denied: -1, used };
  }

  settle(buckets: readonly Bucket[], delta: Charge, now: number): void {
    for (const bucket of buckets) {
      const change = settledDelta(bucket.kind, delta);
      if (change === 0) continue;
      const counter = this.live(bucket.key, now);
      if (counter) counter.value = Math.max(0, counter.value + change);
    }
  }

  seed(bucket: Bucket, value: number, now: number): void {
    if (this.live(bucket.key, now)) return;
    this.counters.set(bucket.key, { value, expiresAt: bucket.resetAt });
  }

  /** Counters live (for tests and `amg status`). */
  get size(): number {
    return this.counters.size;
  }

  private sweep(now: number): void {
    for (const [key, counter] of this.counters) if (counter.expiresAt <= now) this.counters.delete(key);
  }
}
