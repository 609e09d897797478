import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeOpenAI } from '../fakes/fake-openai.js';
import { GatewayHarness } from '../support/gateway-harness.js';

/** A preset's key variable and quirks reach the wire; an explicit base_url wins over the preset's. */
describe('OpenAI-compatible presets', () => {
  let fake: FakeOpenAI;
  let gateway: GatewayHarness;

  beforeAll(async () => {
    fake = await FakeOpenAI.start({ apiKey: 'mistral-key-0123456789' });
    gateway = await GatewayHarness.start({
      env: { MISTRAL_API_KEY: 'mistral-key-0123456789' },
      config: {
        providers: [
          { name: 'mistral', type: 'openai', preset: 'mistral', base_url: fake.baseUrl, allow_private_network: true },
        ],
        models: [{ name: 'small', targets: [{ provider: 'mistral', model: 'mistral-small-latest' }] }],
      },
    });
  });
  afterAll(async () => {
    await gateway.close();
    await fake.close();
  });

  it("sends the key from the preset's variable and applies its tool call id quirk", async () => {
    fake.enqueue({ kind: 'reply', text: 'done' });
    await gateway.anthropic().messages.create({
      model: 'small',
      max_tokens: 50,
      messages: [
        { role: 'user', content: 'weather?' },
        { role: 'assistant', content: [{ type: 'tool_use', id: 'toolu_01A', name: 'w', input: {} }] },
        { role: 'user', content: [{ type: 'tool_result', tool_use_id: 'toolu_01A', content: 'sunny' }] },
      ],
      tools: [{ name: 'w', input_schema: { type: 'object' } }],
    });
    const request = fake.requestsTo('/v1/chat/completions').at(-1);
    expect(request?.headers.authorization).toBe('Bearer mistral-key-0123456789');
    type Sent = { messages: Array<{ tool_calls?: Array<{ id: string }>; tool_call_id?: string }> };
    const messages = (request?.body as Sent | undefined)?.messages ?? [];
    const id = messages[1]?.tool_calls?.[0]?.id as string;
    expect(id).toMatch(/^[A-Za-z0-9]{9}$/);
    expect(messages[2]?.tool_call_id).toBe(id);
  });
});
