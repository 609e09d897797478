import OpenAI from 'openai';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { FakeOpenAI } from '../fakes/fake-openai.js';
import { CLIENT_TOKEN, fakeProvider, GatewayHarness } from '../support/gateway-harness.js';

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
    expect((sent?.body as { model: string } | undefined)?.model).toBe('upstream-mini');
  });

  it('serves a client whose base URL ends in a slash (repeated and trailing slashes in the path)', async () => {
    const slashy = new OpenAI({ apiKey: CLIENT_TOKEN, baseURL: `${harness.url}/v1//`, maxRetries: 0 });
    const reply = await slashy.chat.completions.create({
      model: 'gpt-4o-mini',
      messages: [{ role: 'user', content: 'hi' }],
    });
    expect(reply.choices[0]?.message.content).toBe('Hello from primary');
    const trailing = await fetch(`${harness.url}/v1/models/`, { headers: { authorization: `Bearer ${CLIENT_TOKEN}` } });
    expect(trailing.status).toBe(200);
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

  it('forwards the exact bytes the client sent, with only the model rewritten', async () => {
    const raw =
      '{"messages":[{"role":"user","content":"say \\"model\\": {x}"}],"seed":12345678901234567890,' +
      '"temperature":1.0,"model" : "gpt-4o-mini","tools_meta":{"model":"keep-me"}}';
    const response = await fetch(`${harness.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${CLIENT_TOKEN}`, 'content-type': 'application/json' },
      body: raw,
    });
    expect(response.status).toBe(200);
    const sent = upstream.requestsTo('/v1/chat/completions')[0]?.rawBody;
    expect(sent).toBe(raw.replace('"model" : "gpt-4o-mini"', '"model" : "upstream-mini"'));
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

describe('chat completions: tools, usage, aborts and broken streams', () => {
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

  const weatherTool = {
    type: 'function' as const,
    function: { name: 'get_weather', parameters: { type: 'object', properties: { city: { type: 'string' } } } },
  };

  it('returns tool calls from a non-streamed answer', async () => {
    upstream.enqueue({ kind: 'reply', toolCalls: [{ name: 'get_weather', arguments: '{"city":"Paris"}' }] });
    const completion = await harness.openai().chat.completions.create({
      model: 'gpt-4o-mini',
      messages: [{ role: 'user', content: 'weather?' }],
      tools: [weatherTool],
    });
    const call = completion.choices[0]?.message.tool_calls?.[0];
    expect(completion.choices[0]?.finish_reason).toBe('tool_calls');
    expect(call?.type === 'function' && call.function.name).toBe('get_weather');
    expect(call?.type === 'function' && JSON.parse(call.function.arguments)).toEqual({ city: 'Paris' });
  });

  it('streams tool-call arguments split across many deltas, reassembled by the SDK', async () => {
    upstream.enqueue({
      kind: 'reply',
      chunkSize: 3,
      toolCalls: [
        { name: 'get_weather', arguments: '{"city":"Paris","unit":"celsius"}' },
        { name: 'get_weather', arguments: '{"city":"Tokyo"}' },
      ],
    });
    const runner = harness.openai().chat.completions.stream({
      model: 'gpt-4o-mini',
      messages: [{ role: 'user', content: 'weather in two cities?' }],
      tools: [weatherTool],
    });
    const final = await runner.finalChatCompletion();
    const calls = final.choices[0]?.message.tool_calls ?? [];
    expect(calls.map((c) => c.type === 'function' && JSON.parse(c.function.arguments))).toEqual([
      { city: 'Paris', unit: 'celsius' },
      { city: 'Tokyo' },
    ]);
    expect(final.choices[0]?.finish_reason).toBe('tool_calls');
  });

  it('gives the client the usage chunk when it asked for include_usage', async () => {
    upstream.enqueue({ kind: 'reply', text: 'abc', usage: { prompt: 30, completion: 2, cached: 10 } });
    const stream = await harness.openai().chat.completions.create({
      model: 'gpt-4o-mini',
      messages: [{ role: 'user', content: 'hi' }],
      stream: true,
      stream_options: { include_usage: true },
    });
    let usage: unknown;
    for await (const chunk of stream) if (chunk.usage) usage = chunk.usage;
    expect(usage).toMatchObject({
      prompt_tokens: 30,
      completion_tokens: 2,
      prompt_tokens_details: { cached_tokens: 10 },
    });
    const [record] = await harness.records();
    expect(record).toMatchObject({ inputTokens: 30, outputTokens: 2, cachedTokens: 10 });
  });

  it('ends a stream that breaks after it started with an error the SDK raises, never a silent success', async () => {
    upstream.enqueue({ kind: 'break', after: 3 });
    const stream = await harness.openai().chat.completions.create({
      model: 'gpt-4o-mini',
      messages: [{ role: 'user', content: 'hi' }],
      stream: true,
    });
    let text = '';
    await expect(
      (async () => {
        for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? '';
      })(),
    ).rejects.toThrow(/upstream stream failed/);
    expect(text.length).toBeGreaterThan(0);
    const [record] = await harness.records();
    expect(record?.errorCode).toBe('GW_ERR_UPSTREAM_STREAM');
  });

  it('aborts the upstream request when the client disconnects mid-stream', async () => {
    upstream.enqueue({ kind: 'reply', text: 'x'.repeat(400), chunkSize: 1, chunkDelayMs: 5 });
    const abortedBefore = upstream.server.aborted;
    const controller = new AbortController();
    const stream = await harness
      .openai()
      .chat.completions.create(
        { model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'long answer' }], stream: true },
        { signal: controller.signal },
      );
    let chunks = 0;
    for await (const _ of stream) {
      if (++chunks === 5) controller.abort();
    }
    expect(chunks).toBeLessThan(50);
    await expect.poll(() => upstream.server.aborted, { timeout: 3_000 }).toBe(abortedBefore + 1);
    const [record] = await harness.records();
    expect(record?.errorMessage).toMatch(/client closed/);
  });
});
