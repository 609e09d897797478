import { describe, expect, it } from 'vitest';
import { DeniedThrottle } from './denied-throttle.js';

describe('DeniedThrottle', () => {
  it('records a few denials per origin per window and reports how many it held back', () => {
    const throttle = new DeniedThrottle(2, 1_000);
    expect(throttle.admit('10.0.0.1', 0)).toEqual({ record: true, suppressed: 0 });
    expect(throttle.admit('10.0.0.1', 10)).toEqual({ record: true, suppressed: 0 });
    expect(throttle.admit('10.0.0.1', 20).record).toBe(false);
    expect(throttle.admit('10.0.0.1', 30).record).toBe(false);
    expect(throttle.admit('10.0.0.2', 40)).toEqual({ record: true, suppressed: 0 });
    expect(throttle.admit('10.0.0.1', 1_000)).toEqual({ record: true, suppressed: 2 });
  });
});
