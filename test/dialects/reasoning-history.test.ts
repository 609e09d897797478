import type Anthropic from '@anthropic-ai/sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeOpenAI } from '../fakes/fake-openai.js';
import { fakeProvider, GatewayHarness } from '../support/gateway-harness.js';

/**
 * Earlier reasoning toward OpenAI-compatible providers. DeepSeek, Kimi and GLM in thinking mode refuse a tool-call
 * turn sent back without its `reasoning_content`; OpenAI, Cerebras and Bedrock refuse the field. A provider set to
 * `send_reasoning_content` gets it, so an Anthropic client's tool loop with thinking goes on.
 */

const TOOL = { name: 'get_weather', input_schema: { type: 'object' as const, properties: {} } };

describe('reasoning sent back to an OpenAI-compatible thinking model', () => {
  let upstream: FakeOpenAI;
  let harness: GatewayHarness;

  beforeAll(async () => {
    upstream = await FakeOpenAI.start({ requireReasoningContent: true });
    harness = await GatewayHarness.start({
      config: {
        providers: [
          { ...fakeProvider('deepseek', upstream.baseUrl, upstream.apiKey), send_reasoning_content: true },
          fakeProvider('plain', upstream.baseUrl, upstream.apiKey),
        ],
        models: [
          { name: 'thinker', targets: [{ provider: 'deepseek', model: 'deepseek-v4' }] },
          { name: 'plain', targets: [{ provider: 'plain', model: 'deepseek-v4' }] },
        ],
        routing: { retries: { max_attempts: 1 } },
      },
    });
  });
  afterAll(async () => {
    await harness.close();
    await upstream.close();
  });

  async function toolLoop(model: string, stream: boolean): Promise<Anthropic.Message> {
    const client = harness.anthropic();
    const base = {
      model,
      max_tokens: 4000,
      tools: [TOOL],
      thinking: { type: 'enabled' as const, budget_tokens: 2048 },
    };
    const ask: Anthropic.MessageParam = { role: 'user', content: 'Weather in Paris?' };
    upstream.enqueue({
      kind: 'reply',
      reasoning: 'I should call the tool.',
      toolCalls: [{ id: 'call_1', name: 'get_weather', arguments: '{}' }],
    });
    const first = stream
      ? await client.messages.stream({ ...base, messages: [ask] }).finalMessage()
      : await client.messages.create({ ...base, messages: [ask] });
    upstream.enqueue({ kind: 'reply', text: 'Sunny.' });
    const result: Anthropic.MessageParam = {
      role: 'user',
      content: [{ type: 'tool_result', tool_use_id: 'call_1', content: 'Sunny' }],
    };
    const history: Anthropic.MessageParam[] = [ask, { role: 'assistant', content: first.content }, result];
    return client.messages.create({ ...base, messages: history });
  }

  it.each([false, true])('carries the thinking of a tool turn as reasoning_content (stream: %s)', async (stream) => {
    const answer = await toolLoop('thinker', stream);
    expect(answer.content).toEqual([{ type: 'text', text: 'Sunny.' }]);
    const sent = upstream.requestsTo('/v1/chat/completions').at(-1)?.body as {
      messages: Array<Record<string, unknown>>;
    };
    expect(sent.messages[1]).toMatchObject({ role: 'assistant', reasoning_content: 'I should call the tool.' });
  });

  it('leaves it out for a provider not set to send it (the upstream then refuses, as DeepSeek does)', async () => {
    await expect(toolLoop('plain', false)).rejects.toMatchObject({ status: 400 });
  });
});
