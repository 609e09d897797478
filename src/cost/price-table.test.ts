import { describe, expect, it } from 'vitest';
import type { ProviderConfig } from '../config/schema.js';
import type { TokenUsage } from '../telemetry/request-record.js';
import { costOf } from './cost-of.js';
import type { ModelPrice } from './model-price.js';
import { resolvePrice } from './price-lookup.js';
import { PRICE_TABLE } from './price-table.js';

function provider(fields: Record<string, unknown>): ProviderConfig {
  return { name: 'p', base_url: 'https://api.example.com', pricing: {}, ...fields } as unknown as ProviderConfig;
}

function priceOf(fields: Record<string, unknown>, model: string): ModelPrice {
  const resolved = resolvePrice(provider(fields), model);
  if (!resolved) throw new Error(`${model} is not priced`);
  return resolved.price;
}

function usage(fields: Partial<TokenUsage>): TokenUsage {
  return { inputTokens: 0, outputTokens: 0, cachedTokens: 0, cacheWriteTokens: 0, ...fields };
}

describe('the shipped price table', () => {
  it('says, for every entry it could not confirm on the vendor page, what backs it instead', () => {
    const silent = PRICE_TABLE.filter((e) => !e.verified && !e.note).map((e) => `${e.vendor}:${e.model}`);
    expect(silent).toEqual([]);
  });

  it('prices cache reads and writes inside every long-context tier where the base price has them', () => {
    // Without them a long request would bill its cached tokens at the tier's full input price.
    for (const e of PRICE_TABLE.filter((x) => x.long_context)) {
      const tier = e.long_context;
      if (e.cached_input !== undefined) expect(tier?.cached_input, e.model).toBeGreaterThanOrEqual(e.cached_input);
      if (e.cache_write !== undefined) expect(tier?.cache_write, e.model).toBeGreaterThanOrEqual(e.cache_write);
      expect(tier?.input, e.model).toBeGreaterThan(e.input);
      expect(tier?.output, e.model).toBeGreaterThanOrEqual(e.output);
    }
  });

  it('keeps each Claude model its own cache prices rather than one ratio for all', () => {
    const anthropic = { type: 'anthropic' };
    expect(priceOf(anthropic, 'claude-opus-5-5')).toMatchObject({ input: 4, cached_input: 0.2, cache_write: 5 });
    expect(priceOf(anthropic, 'claude-fable-5-1')).toMatchObject({ input: 10, cached_input: 0.25, cache_write: 12.5 });
    expect(priceOf(anthropic, 'claude-3-haiku-20240307')).toMatchObject({ cached_input: 0.03, cache_write: 0.3 });
  });

  it('bills a Haiku 5.5 request whose prompt, cache included, passes 100K tokens at 5x throughout', () => {
    const price = priceOf({ type: 'anthropic' }, 'claude-haiku-5-5');
    const at = (input: number) =>
      costOf(usage({ inputTokens: input, cachedTokens: 60_000, cacheWriteTokens: 20_000, outputTokens: 1_000 }), price);
    const plain = (input: number) => input - 80_000;
    expect(at(100_000)).toBeCloseTo((plain(100_000) * 0.1 + 60_000 * 0.01 + 20_000 * 0.125 + 1_000 * 0.5) / 1e6, 12);
    expect(at(100_001)).toBeCloseTo((plain(100_001) * 0.5 + 60_000 * 0.05 + 20_000 * 0.625 + 1_000 * 2.5) / 1e6, 12);
  });

  it('bills a GPT-6.2 Sol request over 272K input tokens at 2x input and cache rates and 1.5x output', () => {
    const price = priceOf({ type: 'openai' }, 'gpt-6.2-sol');
    const request = (input: number) =>
      usage({ inputTokens: input, cachedTokens: 100_000, cacheWriteTokens: 10_000, outputTokens: 2_000 });
    const plain = (input: number) => input - 110_000;
    expect(costOf(request(272_000), price)).toBeCloseTo(
      (plain(272_000) * 2 + 100_000 * 0.1 + 10_000 * 2.5 + 2_000 * 10) / 1e6,
      12,
    );
    expect(costOf(request(272_001), price)).toBeCloseTo(
      (plain(272_001) * 4 + 100_000 * 0.2 + 10_000 * 5 + 2_000 * 15) / 1e6,
      12,
    );
  });

  it('prices DeepSeek at its peak-hour rate, the legacy Flash name as the current one', () => {
    const deepseek = { type: 'openai', preset: 'deepseek' };
    expect(priceOf(deepseek, 'deepseek-flash')).toEqual({ input: 0.3, cached_input: 0.006, output: 1.2 });
    expect(priceOf(deepseek, 'deepseek-v4-flash')).toEqual(priceOf(deepseek, 'deepseek-flash'));
    expect(priceOf(deepseek, 'deepseek-v4-pro')).toEqual({ input: 1.32, cached_input: 0.044, output: 3.96 });
  });

  it('finds the newest models under their dated and preview names', () => {
    expect(resolvePrice(provider({ type: 'gemini' }), 'gemini-3.1-pro-preview')?.tableModel).toBe('gemini-3.1-pro');
    expect(resolvePrice(provider({ type: 'bedrock' }), 'us.anthropic.claude-opus-5-5-v1:0')?.tableModel).toBe(
      'claude-opus-5-5',
    );
    expect(resolvePrice(provider({ type: 'openai' }), 'gpt-6-luna-2026-09-22')?.tableModel).toBe('gpt-6-luna');
  });
});
