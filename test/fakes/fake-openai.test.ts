import OpenAI from 'openai';
import type { ChatCompletionChunk } from 'openai/resources/chat/completions';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeOpenAI } from './fake-openai.js';

/** The official openai SDK pointed straight at the fake (no gateway): proves the fake speaks the real format. */
describe('FakeOpenAI read by the official openai SDK', () => {
  let fake: FakeOpenAI;
  let client: OpenAI;
  const messages = [{ role: 'user' as const, content: 'hi' }];

  beforeAll(async () => {
    fake = await FakeOpenAI.start();
    client = new OpenAI({ apiKey: fake.apiKey, baseURL: fake.baseUrl, maxRetries: 0 });
  });
  afterAll(() => fake.close());

  async function collect(stream: AsyncIterable<ChatCompletionChunk>): Promise<ChatCompletionChunk[]> {
    const chunks: ChatCompletionChunk[] = [];
    for await (const chunk of stream) chunks.push(chunk);
    return chunks;
  }

  function deltaOf(chunk: ChatCompletionChunk): Record<string, unknown> {
    return (chunk.choices[0]?.delta ?? {}) as Record<string, unknown>;
  }

  it('streams reasoning_content deltas before any content delta', async () => {
    fake.enqueue({ kind: 'reply', reasoning: 'think about it', text: 'the answer', chunkSize: 3 });
    const chunks = await collect(await client.chat.completions.create({ model: 'm', messages, stream: true }));
    const deltas = chunks.map(deltaOf);
    const reasoningAt = deltas.flatMap((d, i) => (typeof d.reasoning_content === 'string' ? [i] : []));
    const contentAt = deltas.flatMap((d, i) => (d.content ? [i] : []));
    expect(reasoningAt.length).toBe(5);
    expect(Math.max(...reasoningAt)).toBeLessThan(Math.min(...contentAt));
    expect(reasoningAt.map((i) => deltas[i]?.reasoning_content).join('')).toBe('think about it');
    expect(contentAt.map((i) => deltas[i]?.content).join('')).toBe('the answer');
  });

  it('streams two parallel tool calls the SDK accumulates into complete arguments', async () => {
    const weather = '{"city":"Paris","unit":"celsius"}';
    const time = '{"zone":"Europe/Paris"}';
    fake.enqueue({
      kind: 'reply',
      chunkSize: 2,
      toolCalls: [
        { id: 'call_a', name: 'get_weather', arguments: weather },
        { id: 'call_b', name: 'get_time', arguments: time },
      ],
    });
    const final = await client.chat.completions.stream({ model: 'm', messages }).finalChatCompletion();
    const choice = final.choices[0];
    expect(choice?.finish_reason).toBe('tool_calls');
    const calls = (choice?.message.tool_calls ?? []).map((c) => (c.type === 'function' ? c : undefined));
    expect(calls.map((c) => [c?.id, c?.function.name, c?.function.arguments])).toEqual([
      ['call_a', 'get_weather', weather],
      ['call_b', 'get_time', time],
    ]);
    expect(JSON.parse(calls[0]?.function.arguments ?? '')).toEqual({ city: 'Paris', unit: 'celsius' });
  });

  it('splits each tool call into many argument deltas, interleaved by index when asked', async () => {
    fake.enqueue({
      kind: 'reply',
      chunkSize: 3,
      interleaveToolCalls: true,
      toolCalls: [
        { name: 'a', arguments: '{"x":111111}' },
        { name: 'b', arguments: '{"y":222222}' },
      ],
    });
    const chunks = await collect(await client.chat.completions.create({ model: 'm', messages, stream: true }));
    const indexes = chunks.flatMap((c) => c.choices[0]?.delta.tool_calls?.map((t) => t.index) ?? []);
    expect(indexes).toEqual([0, 1, 0, 1, 0, 1, 0, 1, 0, 1]);
    const argsOf = (index: number) =>
      chunks
        .flatMap((c) => c.choices[0]?.delta.tool_calls ?? [])
        .filter((t) => t.index === index)
        .map((t) => t.function?.arguments ?? '')
        .join('');
    expect([argsOf(0), argsOf(1)]).toEqual(['{"x":111111}', '{"y":222222}']);
  });

  it('sends empty deltas between chunks without changing the accumulated text', async () => {
    fake.enqueue({ kind: 'reply', text: 'hello world', emptyDeltas: true });
    const chunks = await collect(await client.chat.completions.create({ model: 'm', messages, stream: true }));
    const empty = chunks.filter((c) => c.choices[0]?.finish_reason === null && Object.keys(deltaOf(c)).length === 0);
    expect(empty.length).toBe(4);
    expect(chunks.map((c) => c.choices[0]?.delta.content ?? '').join('')).toBe('hello world');
  });

  it('ends a stream with an in-band error event the SDK raises as APIError', async () => {
    fake.enqueue({ kind: 'streamError', after: 3, message: 'upstream melted', type: 'server_error' });
    const received: ChatCompletionChunk[] = [];
    const stream = await client.chat.completions.create({ model: 'm', messages, stream: true });
    const reading = (async () => {
      for await (const chunk of stream) received.push(chunk);
    })();
    await expect(reading).rejects.toBeInstanceOf(OpenAI.APIError);
    await expect(reading).rejects.toThrow(/upstream melted/);
    expect(received.length).toBe(3);
  });

  it('ends an include_usage stream with a usage-only chunk carrying cached tokens', async () => {
    fake.enqueue({ kind: 'reply', text: 'ok', usage: { prompt: 40, completion: 2, cached: 32, reasoning: 1 } });
    const chunks = await collect(
      await client.chat.completions.create({
        model: 'm',
        messages,
        stream: true,
        stream_options: { include_usage: true },
      }),
    );
    const last = chunks.at(-1);
    expect(last?.choices).toEqual([]);
    expect(last?.usage?.prompt_tokens_details?.cached_tokens).toBe(32);
    expect(last?.usage?.completion_tokens_details?.reasoning_tokens).toBe(1);
    expect(last?.usage?.total_tokens).toBe(42);
    expect(chunks.slice(0, -1).every((c) => c.usage === null)).toBe(true);
  });

  it('reports cached tokens and reasoning_content on a non-streaming completion', async () => {
    fake.enqueue({ kind: 'reply', text: 'done', reasoning: 'why', usage: { prompt: 10, completion: 3, cached: 8 } });
    const completion = await client.chat.completions.create({ model: 'm', messages });
    expect(completion.usage?.prompt_tokens_details?.cached_tokens).toBe(8);
    expect(completion.choices[0]?.message.content).toBe('done');
    const message = completion.choices[0]?.message as unknown as Record<string, unknown> | undefined;
    expect(message?.reasoning_content).toBe('why');
  });

  it('answers a wrong key with 401 the SDK maps to AuthenticationError', async () => {
    const stranger = new OpenAI({ apiKey: 'sk-wrong', baseURL: fake.baseUrl, maxRetries: 0 });
    await expect(stranger.chat.completions.create({ model: 'm', messages })).rejects.toBeInstanceOf(
      OpenAI.AuthenticationError,
    );
  });
});
