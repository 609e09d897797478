import { describe, expect, it } from 'vitest';
import {
  BUCKETS,
  bucketLowerMs,
  bucketOf,
  bucketUpperMs,
  emptyHistogram,
  mergeInto,
  quantile,
} from './latency-histogram.js';

describe('latency histogram buckets', () => {
  it('puts every duration inside its bucket bounds', () => {
    for (const ms of [0, 0.4, 1, 1.2, 7, 99.9, 100, 250, 1_000, 30_000, 600_000]) {
      const index = bucketOf(ms);
      expect(ms).toBeGreaterThanOrEqual(bucketLowerMs(index));
      if (index < BUCKETS - 1) expect(ms).toBeLessThan(bucketUpperMs(index));
    }
  });

  it('keeps extreme values in the first and last buckets', () => {
    expect(bucketOf(-5)).toBe(0);
    expect(bucketOf(Number.NaN)).toBe(0);
    expect(bucketOf(10 ** 9)).toBe(BUCKETS - 1);
  });

  it('reads percentiles exact to one bucket, after merging', () => {
    const a = emptyHistogram();
    const b = emptyHistogram();
    const values: number[] = [];
    for (let i = 1; i <= 500; i++) {
      values.push(i);
      a[bucketOf(i)]! += 1;
      values.push(i * 10);
      b[bucketOf(i * 10)]! += 1;
    }
    const merged = mergeInto(emptyHistogram(), a);
    mergeInto(merged, b);
    values.sort((x, y) => x - y);
    for (const q of [0.5, 0.95, 0.99]) {
      const exact = values[Math.ceil(q * values.length) - 1] as number;
      const estimate = quantile(merged, q) as number;
      expect(Math.abs(bucketOf(estimate) - bucketOf(exact))).toBeLessThanOrEqual(1);
    }
  });

  it('has no percentile without samples', () => {
    expect(quantile(emptyHistogram(), 0.5)).toBeNull();
  });
});
