import { describe, expect, it } from 'vitest';
import { SignInThrottle } from './sign-in-throttle.js';

describe('SignInThrottle', () => {
  it('refuses a key after its limit of failures until the window forgets the oldest', () => {
    const throttle = new SignInThrottle(3, 60_000);
    for (const at of [0, 10_000, 20_000]) {
      expect(throttle.retryAfterMs('ip', at)).toBe(0);
      throttle.fail('ip', at);
    }
    expect(throttle.retryAfterMs('ip', 30_000)).toBe(30_000);
    expect(throttle.retryAfterMs('other', 30_000)).toBe(0);
    expect(throttle.retryAfterMs('ip', 60_000)).toBe(0);
  });
});
