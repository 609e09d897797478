import { describe, expect, it } from 'vitest';
import { costOf } from './cost-of.js';

describe('costOf', () => {
  it('prices plain input, cache reads, cache writes and output apart', () => {
    const usage = { inputTokens: 1_000_000, cachedTokens: 200_000, cacheWriteTokens: 100_000, outputTokens: 500_000 };
    const cost = costOf(usage, { input: 3, output: 15, cached_input: 0.3, cache_write: 3.75 });
    expect(cost).toBeCloseTo(0.7 * 3 + 0.2 * 0.3 + 0.1 * 3.75 + 0.5 * 15, 10);
  });

  it('bills cached tokens at the input price when no cache price is set', () => {
    const usage = { inputTokens: 2_000, cachedTokens: 1_000, cacheWriteTokens: 0, outputTokens: 0 };
    expect(costOf(usage, { input: 1, output: 2 })).toBeCloseTo(0.002, 10);
  });

  it('bills reasoning as output unless it has a price of its own, never twice', () => {
    const usage = { inputTokens: 0, cachedTokens: 0, cacheWriteTokens: 0, outputTokens: 1_000, reasoningTokens: 600 };
    expect(costOf(usage, { input: 1, output: 10 })).toBeCloseTo(0.01, 12);
    expect(costOf(usage, { input: 1, output: 10, reasoning: 20 })).toBeCloseTo((400 * 10 + 600 * 20) / 1e6, 12);
  });
});
