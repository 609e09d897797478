import { describe, expect, it } from 'vitest';
import type { TrafficRow } from '../../telemetry/traffic-summary.js';
import { configSchema } from '../schema.js';
import { impactPreview, tokenCost } from './impact-preview.js';

const provider = (name: string, pricing: Record<string, unknown> = {}) => ({
  name,
  type: 'openai',
  base_url: `https://${name}.example.com/v1`,
  pricing,
});

const current = configSchema.parse({
  providers: [
    provider('a', { 'm-a': { input: 1, output: 2 } }),
    provider('b', { 'm-b': { input: 0.5, output: 1, cached_input: 0.25 } }),
    provider('c'),
  ],
  models: [
    {
      name: 'chat',
      targets: [
        { provider: 'a', model: 'm-a' },
        { provider: 'b', model: 'm-b' },
      ],
    },
    { name: 'embed', targets: [{ provider: 'a', model: 'e' }] },
    { name: 'old', targets: [{ provider: 'b', model: 'm-b' }] },
  ],
  clients: [
    { name: 'ci', token: 'ci-token-0123456789' },
    { name: 'web', token_sha256: 'a'.repeat(64) },
  ],
});

const draft = configSchema.parse({
  providers: current.providers,
  models: [
    {
      name: 'chat',
      strategy: 'weighted',
      targets: [
        { provider: 'a', model: 'm-a', weight: 1 },
        { provider: 'b', model: 'm-b', weight: 3 },
      ],
    },
    { name: 'embed', targets: [{ provider: 'c', model: 'e' }] },
  ],
  clients: [{ name: 'web', token_sha256: 'a'.repeat(64) }],
});

const row = (
  model: string,
  client: string,
  provider: string | null,
  requests: number,
  tokens: Partial<TrafficRow> = {},
) =>
  ({
    model,
    client,
    provider,
    requests,
    inputTokens: 0,
    outputTokens: 0,
    cachedTokens: 0,
    cacheWriteTokens: 0,
    ...tokens,
  }) satisfies TrafficRow;

const traffic: TrafficRow[] = [
  row('chat', 'ci', 'a', 60, { inputTokens: 600_000, outputTokens: 300_000, cachedTokens: 100_000 }),
  row('chat', 'web', 'b', 40, { inputTokens: 400_000, outputTokens: 100_000 }),
  row('embed', 'web', 'a', 10, { inputTokens: 1_000_000 }),
  row('old', 'ci', 'b', 5),
  row('ghost', 'web', null, 3),
];

const HALF_DAY = 43_200_000;

describe('impactPreview', () => {
  const preview = impactPreview(current, draft, traffic, HALF_DAY);

  it('counts the requests whose model the draft no longer serves', () => {
    expect(preview.requests).toBe(118);
    expect(preview.unknownModels).toEqual([{ model: 'old', requests: 5 }]);
  });

  it('replays the traffic through both routings, respecting strategy and weights', () => {
    expect(preview.providers).toEqual([
      { provider: '(unknown model)', current: { requests: 3, share: 0.0254 }, draft: { requests: 8, share: 0.0678 } },
      { provider: 'a', current: { requests: 110, share: 0.9322 }, draft: { requests: 25, share: 0.2119 } },
      { provider: 'b', current: { requests: 5, share: 0.0424 }, draft: { requests: 75, share: 0.6356 } },
      { provider: 'c', current: { requests: 0, share: 0 }, draft: { requests: 10, share: 0.0847 } },
    ]);
  });

  it('names config clients that would lose access, with their traffic', () => {
    expect(preview.lostClients).toEqual([{ client: 'ci', reason: 'removed', requests: 65 }]);
  });

  it('prices the tokens per day under each routing where prices are known', () => {
    expect(preview.cost).toEqual({
      currentPerDay: 3.6,
      draftPerDay: 2.2125,
      byModel: [
        { model: 'chat', currentPerDay: 3.6, draftPerDay: 2.2125 },
        { model: 'old', currentPerDay: 0, draftPerDay: null },
      ],
      unpriced: ['c/e'],
    });
  });

  it('reports a changed token of a config client', () => {
    const rotated = configSchema.parse({
      ...current,
      clients: [current.clients[0], { name: 'web', token_sha256: 'b'.repeat(64) }],
    });
    expect(impactPreview(current, rotated, traffic, HALF_DAY).lostClients).toEqual([
      { client: 'web', reason: 'token changed', requests: 53 },
    ]);
  });
});

describe('tokenCost', () => {
  it('prices cached and cache-write input tokens at their own rates when given', () => {
    const tokens = {
      inputTokens: 1_000_000,
      outputTokens: 1_000_000,
      cachedTokens: 200_000,
      cacheWriteTokens: 100_000,
    };
    expect(tokenCost(tokens, { input: 3, output: 15, cached_input: 0.3, cache_write: 3.75 })).toBeCloseTo(
      0.7 * 3 + 0.2 * 0.3 + 0.1 * 3.75 + 15,
      10,
    );
  });
});
