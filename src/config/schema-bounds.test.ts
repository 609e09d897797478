import { describe, expect, it } from 'vitest';
import { configSchema as gatewayConfig } from './schema.js';

const parse = (routing: Record<string, unknown>) => gatewayConfig.safeParse({ routing });

describe('numbers in the config schema', () => {
  it('refuse durations a timer cannot honour, which once made a 1 ms probe loop', () => {
    for (const interval_s of [1e308, 1e-9, 0]) {
      expect(parse({ health_checks: { interval_s } }).success, String(interval_s)).toBe(false);
    }
    expect(parse({ timeout: { total_ms: 1e12 } }).success).toBe(false);
    expect(parse({ cooldown: { cooldown_s: 1e308 } }).success).toBe(false);
  });

  it('accept the defaults and sane values', () => {
    expect(parse({ health_checks: { interval_s: 15 }, cooldown: { cooldown_s: 30 } }).success).toBe(true);
  });
});
