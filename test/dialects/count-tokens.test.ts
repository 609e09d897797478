import type Anthropic from '@anthropic-ai/sdk';
import { countTokens as o200k } from 'gpt-tokenizer/encoding/o200k_base';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { countInputTokens, FakeAnthropic } from '../fakes/fake-anthropic.js';
import { fakeProvider, GatewayHarness } from '../support/gateway-harness.js';
import { WEATHER_TOOL } from './support/client-driver.js';
import { DialectGateway, MODELS } from './support/dialect-gateway.js';

/**
 * POST /v1/messages/count_tokens through the Anthropic SDK: exact (the provider's own count) for a model served by
 * Anthropic, a marked local estimate for one served by an OpenAI-compatible provider, which has no count endpoint.
 */

const QUESTION = 'What is the weather like in Paris today, and should I take an umbrella?';
const SYSTEM = 'You are a concise assistant.';

let gateway: DialectGateway;

async function count(params: Omit<Anthropic.MessageCountTokensParams, 'model'>, model: string) {
  const { data, response } = await gateway.harness
    .anthropic()
    .messages.countTokens({ ...params, model })
    .withResponse();
  return { tokens: data.input_tokens, kind: response.headers.get('x-gateway-token-count') };
}

describe('count_tokens', () => {
  beforeAll(async () => {
    gateway = await DialectGateway.start();
  });
  afterAll(async () => {
    await gateway.close();
  });
  beforeEach(async () => {
    gateway.reset();
    await gateway.skipRecords();
  });

  it("is the provider's exact count for an Anthropic-backed model", async () => {
    const params = { system: SYSTEM, messages: [{ role: 'user' as const, content: QUESTION }] };
    const counted = await count(params, MODELS.anthropic.name);
    expect(counted).toEqual({ tokens: countInputTokens(params), kind: 'exact' });
    const sent = gateway.anthropicUpstream.requestsTo('/v1/messages/count_tokens')[0];
    expect(sent?.body).toEqual({ ...params, model: MODELS.anthropic.upstream });
    expect(await gateway.nextRecord()).toMatchObject({
      status: 200,
      entryPoint: 'messages.count_tokens',
      provider: 'ant',
    });
  });

  it('is a marked estimate for an OpenAI-backed model, close to the text tokens plus message overheads', async () => {
    const counted = await count({ messages: [{ role: 'user', content: QUESTION }] }, MODELS.openai.name);
    expect(counted.kind).toBe('estimate');
    const textTokens = o200k(QUESTION);
    expect(counted.tokens).toBeGreaterThanOrEqual(textTokens);
    expect(counted.tokens).toBeLessThanOrEqual(textTokens + 10);
    expect(gateway.openaiUpstream.requests).toEqual([]);
    expect(await gateway.nextRecord()).toMatchObject({ status: 200, entryPoint: 'messages.count_tokens' });
  });

  it('estimates more for a system prompt and a tool definition, as the upstream would bill them', async () => {
    const messages = [{ role: 'user' as const, content: QUESTION }];
    const plain = await count({ messages }, MODELS.openai.name);
    const withSystem = await count({ messages, system: SYSTEM }, MODELS.openai.name);
    const tool = {
      name: WEATHER_TOOL.name,
      description: WEATHER_TOOL.description,
      input_schema: WEATHER_TOOL.parameters,
    };
    const withTool = await count({ messages, tools: [tool] }, MODELS.openai.name);
    expect(withSystem.tokens).toBeGreaterThanOrEqual(plain.tokens + o200k(SYSTEM));
    expect(withTool.tokens).toBeGreaterThan(plain.tokens + o200k(WEATHER_TOOL.description));
  });
});

describe('count_tokens on an Anthropic-compatible API without the count endpoint', () => {
  let upstream: FakeAnthropic;
  let harness: GatewayHarness;

  beforeAll(async () => {
    upstream = await FakeAnthropic.start({ countTokens: false });
    harness = await GatewayHarness.start({
      config: {
        providers: [fakeProvider('compat', upstream.baseUrl, upstream.apiKey, 'anthropic')],
        models: [{ name: 'compat-model', targets: [{ provider: 'compat', model: 'claude-sonnet-4-6' }] }],
      },
    });
  });
  afterAll(async () => {
    await harness.close();
    await upstream.close();
  });

  it('answers a marked estimate instead of relaying the 404', async () => {
    const { data, response } = await harness
      .anthropic()
      .messages.countTokens({ model: 'compat-model', messages: [{ role: 'user', content: QUESTION }] })
      .withResponse();
    expect(response.headers.get('x-gateway-token-count')).toBe('estimate');
    expect(data.input_tokens).toBeGreaterThanOrEqual(o200k(QUESTION));
    expect(upstream.requestsTo('/v1/messages/count_tokens')).toHaveLength(1);
  });
});
