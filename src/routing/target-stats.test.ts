import { describe, expect, it } from 'vitest';
import { TargetStats } from './target-stats.js';

describe('TargetStats', () => {
  it('summarises success rate and latency percentiles over a window', () => {
    const stats = new TargetStats();
    for (let i = 1; i <= 100; i++) stats.record(1_000 + i, true, i);
    stats.record(1_200, false, 5, 'boom');
    const summary = stats.summary(1_200, 10_000);
    expect(summary.samples).toBe(101);
    expect(summary.successRate).toBeCloseTo(100 / 101);
    expect(summary.p50Ms).toBe(51);
    expect(summary.p95Ms).toBe(96);
    expect(stats.lastError).toEqual({ at: 1_200, message: 'boom' });
  });

  it('leaves old outcomes out of the window', () => {
    const stats = new TargetStats();
    stats.record(0, false, 1, 'old');
    stats.record(50_000, true, 10);
    expect(stats.summary(50_000, 10_000)).toMatchObject({ samples: 1, successRate: 1 });
  });

  it('moves the latency average towards new measurements', () => {
    const stats = new TargetStats();
    stats.record(0, true, 100);
    expect(stats.ewmaMs).toBe(100);
    stats.record(1, true, 200);
    expect(stats.ewmaMs).toBe(120);
    stats.record(2, false, 5000, 'failures do not count');
    expect(stats.ewmaMs).toBe(120);
  });
});
