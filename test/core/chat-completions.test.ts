import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { FakeOpenAI } from '../fakes/fake-openai.js';
import { fakeProvider, GatewayHarness } from '../support/gateway-harness.js';

describe('POST /v1/chat/completions through the gateway with the official openai SDK', () => {
  let upstream: FakeOpenAI;
  let harness: GatewayHarness;

  beforeAll(async () => {
    upstream = await FakeOpenAI.start({ name: 'primary' });
    harness = await GatewayHarness.start({
      config: {
        providers: [fakeProvider('primary', upstream.baseUrl)],
        models: [{ name: 'gpt-4o-mini', targets: [{ provider: 'primary', model: 'upstream-mini' }] }],
      },
    });
  });
  afterAll(async () => {
    await harness.close();
    await upstream.close();
  });
  beforeEach(() => {
    upstream.requests.length = 0;
  });

  it('answers a non-streamed request and says which provider and model served it', async () => {
    const { data, response } = await harness
      .openai()
      .chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }] })
      .withResponse();
    expect(data.choices[0]?.message.content).toBe('Hello from primary');
    expect(data.usage?.prompt_tokens).toBe(12);
    expect(response.headers.get('x-request-id')).toMatch(/^req_[0-9a-z]{26}$/);
    expect(response.headers.get('x-gateway-provider')).toBe('primary');
    expect(response.headers.get('x-gateway-model')).toBe('upstream-mini');
    expect(response.headers.get('x-gateway-route')).toBe('direct');

    const sent = upstream.requestsTo('/v1/chat/completions')[0];
    expect(sent?.headers.authorization).toBe('Bearer sk-upstream-secret-key');
    expect((sent?.body as { model: string }).model).toBe('upstream-mini');
  });

  it('passes unknown body fields through untouched', async () => {
    await harness.openai().chat.completions.create({
      model: 'gpt-4o-mini',
      messages: [{ role: 'user', content: 'hi' }],
      // @ts-expect-error: a vendor extension the SDK does not know
      vendor_extension: { nested: [1, 'two', { three: true }] },
      temperature: 0.25,
    });
    const body = upstream.requestsTo('/v1/chat/completions')[0]?.body as Record<string, unknown>;
    expect(body.vendor_extension).toEqual({ nested: [1, 'two', { three: true }] });
    expect(body.temperature).toBe(0.25);
    expect(body.messages).toEqual([{ role: 'user', content: 'hi' }]);
  });

  it('streams chunk by chunk and strips the usage chunk the client did not ask for', async () => {
    const stream = await harness.openai().chat.completions.create({
      model: 'gpt-4o-mini',
      messages: [{ role: 'user', content: 'hi' }],
      stream: true,
    });
    let text = '';
    let emptyChoiceChunks = 0;
    for await (const chunk of stream) {
      if (chunk.choices.length === 0) emptyChoiceChunks++;
      text += chunk.choices[0]?.delta.content ?? '';
    }
    expect(text).toBe('one two three four five six');
    expect(emptyChoiceChunks).toBe(0);
    const sent = upstream.requestsTo('/v1/chat/completions')[0]?.body as { stream_options?: unknown };
    expect(sent.stream_options).toEqual({ include_usage: true });

    const [record] = await harness.records();
    expect(record).toMatchObject({ stream: true, inputTokens: 12, outputTokens: 6, status: 200 });
    expect(record?.ttfbMs).toBeGreaterThan(0);
  });
});
