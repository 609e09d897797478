import { describe, expect, it } from 'vitest';
import { RollingCounters } from './rolling-counters.js';

describe('RollingCounters', () => {
  it('sums the buckets inside the window and forgets what is older than its span', () => {
    const counters = new RollingCounters(1_000, 10);
    counters.add('a', true, 500);
    counters.add('a', false, 1_500);
    counters.add('b', false, 1_600);
    expect(counters.sum(['a', 'b'], 0, 2_000)).toEqual({ requests: 3, failures: 1 });
    expect(counters.sum(['a'], 1_000, 2_000)).toEqual({ requests: 1, failures: 0 });
    counters.add('a', false, 10_700);
    expect(counters.sum(['a'], 0, 10_900)).toEqual({ requests: 2, failures: 0 });
  });
});
