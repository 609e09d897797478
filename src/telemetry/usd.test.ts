import { describe, expect, it } from 'vitest';
import { formatUsd } from './usd.js';

describe('costs for people to read', () => {
  it('keeps a small request from reading as free, and rounds larger sums to what matters', () => {
    expect(formatUsd(0)).toBe('0');
    // One gpt-4o-mini request of 24 tokens in and 12 out.
    expect(formatUsd(0.0000108)).toBe('0.000011');
    expect(formatUsd(0.0047472)).toBe('0.004747');
    expect(formatUsd(0.036)).toBe('0.0360');
    expect(formatUsd(5.406109999981709)).toBe('5.41');
    expect(formatUsd(1000)).toBe('1000.00');
  });
});
