import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeBedrock } from '../fakes/fake-bedrock.js';
import { GatewayHarness } from '../support/gateway-harness.js';

const API_KEY = 'ABSKbedrock-usage-key-0123456789';

/**
 * A ConverseStream that ends after messageStop without its metadata event carries no usage: the client and the
 * request record get the gateway's estimate, flagged as one, never zero for what was produced.
 */
describe('bedrock stream without metadata', () => {
  let fake: FakeBedrock;
  let gateway: GatewayHarness;

  beforeAll(async () => {
    fake = await FakeBedrock.start({ apiKey: API_KEY });
    gateway = await GatewayHarness.start({
      config: {
        providers: [
          { name: 'aws', type: 'bedrock', base_url: fake.endpoint, api_key: API_KEY, allow_private_network: true },
        ],
        models: [{ name: 'nova', targets: [{ provider: 'aws', model: 'amazon.nova-pro-v1:0' }] }],
        routing: { retries: { max_attempts: 1 } },
      },
    });
  });
  afterAll(async () => {
    await gateway.close();
    await fake.close();
  });

  const answer = 'Forty characters of answer, more or less.';

  it('gives an OpenAI client estimated usage and records it as an estimate', async () => {
    fake.enqueue({ kind: 'reply', text: answer, omitMetadata: true });
    const stream = await gateway.openai().chat.completions.create({
      model: 'nova',
      stream: true,
      stream_options: { include_usage: true },
      messages: [{ role: 'user', content: 'Say something of about forty characters, please.' }],
    });
    let text = '';
    let usage: { prompt_tokens: number; completion_tokens: number } | undefined;
    for await (const chunk of stream) {
      text += chunk.choices[0]?.delta.content ?? '';
      if (chunk.usage) usage = chunk.usage;
    }
    expect(text).toBe(answer);
    expect(usage?.completion_tokens).toBe(Math.ceil(answer.length / 4));
    expect(usage?.prompt_tokens).toBeGreaterThan(0);
    const [record] = await gateway.records(1);
    expect(record).toMatchObject({ status: 200, outputTokens: Math.ceil(answer.length / 4), usageEstimated: true });
    expect(record?.inputTokens).toBeGreaterThan(0);
  });

  it('gives an Anthropic client estimated usage in message_delta, and an empty answer still bills its input', async () => {
    fake.enqueue({ kind: 'reply', text: answer, omitMetadata: true });
    const message = await gateway
      .anthropic()
      .messages.stream({ model: 'nova', max_tokens: 100, messages: [{ role: 'user', content: 'Say something.' }] })
      .finalMessage();
    expect(message.usage.output_tokens).toBe(Math.ceil(answer.length / 4));
    fake.enqueue({ kind: 'reply', text: '', omitMetadata: true });
    await gateway
      .anthropic()
      .messages.stream({ model: 'nova', max_tokens: 100, messages: [{ role: 'user', content: 'Say nothing.' }] })
      .finalMessage();
    const [record] = await gateway.records(3);
    expect(record).toMatchObject({ status: 200, outputTokens: 0, usageEstimated: true });
    expect(record?.inputTokens).toBeGreaterThan(0);
  });

  it('keeps the usage Bedrock reports when the metadata event comes', async () => {
    fake.enqueue({ kind: 'reply', text: answer, usage: { input: 11, output: 7 } });
    const message = await gateway
      .anthropic()
      .messages.stream({ model: 'nova', max_tokens: 100, messages: [{ role: 'user', content: 'Say something.' }] })
      .finalMessage();
    expect(message.usage).toMatchObject({ input_tokens: 11, output_tokens: 7 });
    const [record] = await gateway.records(4);
    expect(record).toMatchObject({ inputTokens: 11, outputTokens: 7, usageEstimated: false });
  });
});
