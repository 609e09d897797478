import type { Admission, Bucket, LimitBackend, Settlement } from './limit-buckets.js';
import { overLimit } from './limit-buckets.js';

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
 */
export class MemoryLimitBackend implements LimitBackend {
  private readonly counters = new Map<string, Counter>();
  private admissions = 0;

  private valueOf(key: string, now: number): number {
    const counter = this.counters.get(key);
    return counter && counter.expiresAt > now ? counter.value : 0;
  }

  admit(buckets: readonly Bucket[], now: number): Admission {
    if (++this.admissions % SWEEP_EVERY === 0) this.sweep(now);
    const used = buckets.map((bucket) => this.valueOf(bucket.key, now));
    for (let i = 0; i < buckets.length; i++) {
      const bucket = buckets[i] as Bucket;
      if (overLimit(bucket.kind, used[i] as number, bucket.amount, bucket.limit)) return { denied: i, used };
    }
    for (let i = 0; i < buckets.length; i++) {
      const bucket = buckets[i] as Bucket;
      const value = (used[i] as number) + bucket.amount;
      used[i] = value;
      this.counters.set(bucket.key, { value, expiresAt: bucket.resetAt });
    }
    return { denied: -1, used };
  }

  settle(settlements: readonly Settlement[], now: number): void {
    for (const { bucket, delta } of settlements) {
      const counter = this.counters.get(bucket.key);
      if (!counter || counter.expiresAt <= now || delta === 0) continue;
      counter.value = Math.max(0, counter.value + delta);
    }
  }

  seed(bucket: Bucket, value: number, now: number): void {
    const counter = this.counters.get(bucket.key);
    if (counter && counter.expiresAt > now) return;
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
