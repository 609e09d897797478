import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RequestRecord } from '../../src/telemetry/request-record.js';
import { FakeOpenAI } from '../fakes/fake-openai.js';
import { CLIENT_TOKEN, fakeProvider, GatewayHarness } from '../support/gateway-harness.js';
import { sampleValue, scrape } from '../support/prometheus.js';

const METRICS_TOKEN = 'metrics-scraper-token-0123456789';
const MODELS = new Set(['chat', 'mini']);

/** The labels /metrics files a record under, as docs/observability.md defines them. */
function labelsOf(record: RequestRecord) {
  const model =
    record.requestedModel === null ? 'none' : MODELS.has(record.requestedModel) ? record.requestedModel : 'other';
  const provider = record.provider ?? record.attempts.at(-1)?.provider ?? 'none';
  return { model, provider };
}

describe('/metrics counters against the request log, mixed traffic', () => {
  let primary: FakeOpenAI;
  let backup: FakeOpenAI;
  let harness: GatewayHarness;
  let records: RequestRecord[];

  beforeAll(async () => {
    primary = await FakeOpenAI.start({ name: 'primary', apiKey: 'sk-primary' });
    backup = await FakeOpenAI.start({ name: 'backup', apiKey: 'sk-backup' });
    primary.setDefault({ kind: 'reply', usage: { prompt: 30, completion: 9, cached: 10 } });
    backup.setDefault({ kind: 'reply', usage: { prompt: 12, completion: 6, reasoning: 4 } });
    harness = await GatewayHarness.start({
      config: {
        providers: [
          {
            ...fakeProvider('primary', primary.baseUrl, 'sk-primary'),
            pricing: { 'gpt-4o-mini': { input: 3, output: 7 } },
          },
          {
            ...fakeProvider('backup', backup.baseUrl, 'sk-backup'),
            pricing: { 'llama-3.1-8b': { input: 1, output: 2 } },
          },
        ],
        models: [
          {
            name: 'chat',
            targets: [
              { provider: 'primary', model: 'gpt-4o-mini' },
              { provider: 'backup', model: 'llama-3.1-8b' },
            ],
          },
          { name: 'mini', targets: [{ provider: 'backup', model: 'llama-3.1-8b' }] },
        ],
        metrics: { token: METRICS_TOKEN },
      },
    });
    const openai = harness.openai(CLIENT_TOKEN, { maxRetries: 0 });
    const messages = [{ role: 'user' as const, content: 'hi' }];
    await openai.chat.completions.create({ model: 'chat', messages });
    const stream = await openai.chat.completions.create({
      model: 'mini',
      messages,
      stream: true,
      stream_options: { include_usage: true },
    });
    for await (const _ of stream);
    // Translated: an Anthropic client on OpenAI-dialect targets.
    await harness
      .anthropic(CLIENT_TOKEN, { maxRetries: 0 })
      .messages.create({ model: 'chat', max_tokens: 50, messages });
    primary.enqueue({ kind: 'error', status: 429, headers: { 'retry-after': '0' } });
    await openai.chat.completions.create({ model: 'chat', messages });
    // Every target failing: a 5xx filed under the last provider tried.
    backup.enqueue({ kind: 'error', status: 500 });
    await openai.chat.completions.create({ model: 'mini', messages }).catch(() => undefined);
    await openai.chat.completions.create({ model: 'made-up', messages }).catch(() => undefined);
    records = await harness.records(6);
    expect(records).toHaveLength(6);
  });
  afterAll(async () => {
    await harness.close();
    await primary.close();
    await backup.close();
  });

  it('counts the requests, tokens and cost the request log holds, series by series', async () => {
    const { families } = await scrape(harness.url, METRICS_TOKEN);
    type Sums = { labels: Record<string, string>; sums: Record<string, number> };
    const expected = new Map<string, Sums>();
    for (const record of records) {
      const labels = labelsOf(record);
      const key = JSON.stringify(labels);
      const entry: Sums = expected.get(key) ?? { labels, sums: {} };
      expected.set(key, entry);
      const add = (name: string, value: number | null | undefined) => {
        entry.sums[name] = (entry.sums[name] ?? 0) + (value ?? 0);
      };
      add('requests', 1);
      add('input', record.inputTokens);
      add('output', record.outputTokens);
      add('cached', record.cachedTokens);
      add('reasoning', record.reasoningTokens);
      add('cost', record.costUsd);
    }
    expect(expected.size).toBeGreaterThanOrEqual(4);
    for (const { labels, sums } of expected.values()) {
      const samples = (families.amg_requests_total?.data ?? []) as Array<{
        labels: Record<string, string>;
        value: number;
      }>;
      const requests = samples
        .filter((s) => s.labels.model === labels.model && s.labels.provider === labels.provider)
        .reduce((sum, s) => sum + s.value, 0);
      expect(requests, JSON.stringify(labels)).toBe(sums.requests);
      for (const type of ['input', 'output', 'cached', 'reasoning'] as const) {
        const value = sampleValue(families, 'amg_tokens_total', { ...labels, type }) ?? 0;
        expect(value, `${type} ${JSON.stringify(labels)}`).toBe(sums[type]);
      }
      const cost = sampleValue(families, 'amg_cost_usd_total', labels) ?? 0;
      expect(cost, `cost ${JSON.stringify(labels)}`).toBeCloseTo(sums.cost ?? 0, 12);
    }
  });
});
