import { describe, expect, it } from 'vitest';
import type { GatewayConfig, ProviderConfig } from '../config/schema.js';
import { costOf } from './cost-of.js';
import { ProviderPrices, resolvePrice } from './price-lookup.js';
import { PRICE_TABLE } from './price-table.js';

/** The fields price resolution reads; the rest of a provider does not matter to it. */
function provider(fields: Record<string, unknown>): ProviderConfig {
  return { name: 'p', base_url: 'https://api.example.com', pricing: {}, ...fields } as unknown as ProviderConfig;
}

describe('resolvePrice', () => {
  it('prices a dated OpenAI snapshot at its base model from the table, with source and date', () => {
    const price = resolvePrice(provider({ type: 'openai' }), 'gpt-4o-2024-08-06');
    expect(price).toMatchObject({ source: 'table', tableModel: 'gpt-4o', price: { input: 2.5, output: 10 } });
    expect(price?.url).toMatch(/^https:\/\//);
    expect(price?.date).toMatch(/^\d{4}-\d{2}-\d{2}$/);
  });

  it('prices Claude on Bedrock and Vertex at the Anthropic list price', () => {
    const bedrock = resolvePrice(provider({ type: 'bedrock' }), 'us.anthropic.claude-sonnet-4-5-20250929-v1:0');
    const vertex = resolvePrice(provider({ type: 'vertex' }), 'claude-sonnet-4-5@20250929');
    expect(bedrock?.tableModel).toBe('claude-sonnet-4-5');
    expect(vertex?.price).toEqual(bedrock?.price);
    expect(bedrock?.price).toMatchObject({ input: 3, output: 15, cached_input: 0.3, cache_write: 3.75 });
  });

  it('lets the config override a table entry per provider and model', () => {
    const p = provider({ type: 'openai', pricing: { 'gpt-4o': { input: 1, output: 2 } } });
    expect(resolvePrice(p, 'gpt-4o')).toEqual({ price: { input: 1, output: 2 }, source: 'config' });
  });

  it('prices an Azure deployment as the table model its same_as names', () => {
    const p = provider({ type: 'azure-openai', pricing: { 'prod-chat': { same_as: 'gpt-4o-mini' } } });
    expect(resolvePrice(p, 'prod-chat')).toMatchObject({ source: 'table', tableModel: 'gpt-4o-mini' });
    expect(resolvePrice(p, 'other-deployment')).toBeNull();
  });

  it('uses the host prices of a preset, not the vendor list, and none for a reseller it does not know', () => {
    const groq = provider({ type: 'openai', preset: 'groq' });
    expect(resolvePrice(groq, 'llama-3.3-70b-versatile')?.price.input).toBe(0.59);
    expect(resolvePrice(groq, 'gpt-4o')).toBeNull();
    expect(resolvePrice(provider({ type: 'openai', preset: 'together' }), 'gpt-4o')).toBeNull();
  });

  it('costs a self-hosted model 0 unless the config sets a price', () => {
    expect(resolvePrice(provider({ type: 'openai', preset: 'ollama' }), 'llama3.2')?.source).toBe('self-hosted');
    expect(resolvePrice(provider({ type: 'openai', preset: 'vllm' }), 'x')).toEqual({
      price: { input: 0, output: 0 },
      source: 'self-hosted',
    });
    // A private address alone may be a proxy to a paid API: unpriced until the config says.
    const local = provider({ type: 'openai', base_url: 'http://127.0.0.1:8000/v1', allow_private_network: true });
    expect(resolvePrice(local, 'my-model')).toBeNull();
    const priced = provider({ type: 'openai', preset: 'vllm', pricing: { big: { input: 0.2, output: 0.4 } } });
    expect(resolvePrice(priced, 'big')?.source).toBe('config');
  });

  it('returns null for a model nothing prices', () => {
    expect(resolvePrice(provider({ type: 'anthropic' }), 'claude-unknown-9')).toBeNull();
  });

  it('keeps each provider model it resolved', () => {
    const prices = new ProviderPrices(provider({ type: 'gemini' }));
    expect(prices.priceFor('gemini-2.5-pro')).toBe(prices.priceFor('gemini-2.5-pro'));
  });
});

describe('the price table', () => {
  it('gives every entry a source URL, a date and non-negative prices, once per vendor and model', () => {
    const seen = new Set<string>();
    for (const entry of PRICE_TABLE) {
      expect(entry.source).toMatch(/^https:\/\//);
      expect(entry.date).toMatch(/^\d{4}-\d{2}-\d{2}$/);
      expect(entry.input).toBeGreaterThanOrEqual(0);
      expect(entry.output).toBeGreaterThanOrEqual(0);
      const key = `${entry.vendor}:${entry.model}`;
      expect(seen.has(key), key).toBe(false);
      seen.add(key);
    }
  });

  it('bills Gemini 2.5 Pro prompts over 200k tokens at the long-context tier', () => {
    const price = resolvePrice(provider({ type: 'gemini' }), 'gemini-2.5-pro')?.price;
    if (!price) throw new Error('gemini-2.5-pro is not priced');
    const usage = (input: number) => ({
      inputTokens: input,
      outputTokens: 1_000,
      cachedTokens: 0,
      cacheWriteTokens: 0,
    });
    expect(costOf(usage(200_000), price)).toBeCloseTo((200_000 * 1.25 + 1_000 * 10) / 1e6, 12);
    expect(costOf(usage(200_001), price)).toBeCloseTo((200_001 * 2.5 + 1_000 * 15) / 1e6, 12);
  });
});

describe('config checks of prices', () => {
  it('warns when same_as names no entry of the table, so a deployment does not go unpriced unnoticed', async () => {
    const { semanticChecks } = await import('../config/semantic-checks.js');
    const azure = provider({
      type: 'azure-openai',
      pricing: { 'prod-chat': { same_as: 'gpt-4o-mini' }, typo: { same_as: 'gpt-4o-mimi' } },
    });
    const config = { providers: [azure], models: [], clients: [] } as unknown as GatewayConfig;
    const messages = semanticChecks(config).warnings.map((w) => `${w.path}: ${w.message}`);
    expect(messages.filter((m) => m.includes('same_as'))).toEqual([
      'providers[0].pricing.typo.same_as: "gpt-4o-mimi" is not in the shipped price table for the azure-openai provider: "typo" stays unpriced',
    ]);
  });
});
