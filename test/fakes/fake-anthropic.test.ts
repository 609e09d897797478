import Anthropic from '@anthropic-ai/sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AnthropicStopReason, countInputTokens, FakeAnthropic } from './fake-anthropic.js';

/** The official Anthropic SDK pointed straight at the fake (no gateway): proves the fake speaks the real format. */
describe('FakeAnthropic read by the official @anthropic-ai/sdk', () => {
  let fake: FakeAnthropic;
  let client: Anthropic;
  const base = { model: 'claude-sonnet-4-6', max_tokens: 2048, messages: [{ role: 'user' as const, content: 'hi' }] };

  beforeAll(async () => {
    fake = await FakeAnthropic.start();
    client = new Anthropic({ apiKey: fake.apiKey, baseURL: fake.baseUrl, maxRetries: 0 });
  });
  afterAll(() => fake.close());

  it('answers messages.create with a text message and records the SDK headers', async () => {
    const message = await client.messages.create(base);
    expect(message.type).toBe('message');
    expect(message.id).toMatch(/^msg_/);
    expect(message.model).toBe('claude-sonnet-4-6');
    expect(message.content).toEqual([{ type: 'text', text: 'Hello from fake-anthropic' }]);
    expect(message.stop_reason).toBe('end_turn');
    expect(message.usage.input_tokens).toBe(12);
    const recorded = fake.requestsTo('/v1/messages').at(-1);
    expect(recorded?.headers.authorization).toBe(`Bearer ${fake.apiKey}`);
    expect(recorded?.headers['anthropic-version']).toBeTruthy();
  });

  it('answers messages.create with thinking then tool_use blocks', async () => {
    fake.enqueue({
      kind: 'reply',
      content: [
        { type: 'thinking', thinking: 'Need the weather.', signature: 'sig-abc' },
        { type: 'tool_use', id: 'toolu_1', name: 'get_weather', input: { city: 'Paris' } },
      ],
    });
    const message = await client.messages.create({ ...base, thinking: { type: 'enabled', budget_tokens: 1024 } });
    expect(message.stop_reason).toBe('tool_use');
    expect(message.content).toEqual([
      { type: 'thinking', thinking: 'Need the weather.', signature: 'sig-abc' },
      { type: 'tool_use', id: 'toolu_1', name: 'get_weather', input: { city: 'Paris' } },
    ]);
  });

  it('streams thinking with its signature before text, accumulated by stream().finalMessage()', async () => {
    const thinking = 'Let me think about this step by step.';
    fake.enqueue({
      kind: 'reply',
      chunkSize: 5,
      content: [
        { type: 'thinking', thinking, signature: 'EqQBCgIYAhIM-signature' },
        { type: 'text', text: 'The answer is 42.' },
      ],
    });
    const thoughts: string[] = [];
    const stream = client.messages.stream(base).on('thinking', (delta) => thoughts.push(delta));
    const final = await stream.finalMessage();
    expect(thoughts.length).toBe(Math.ceil(thinking.length / 5));
    expect(final.content).toEqual([
      { type: 'thinking', thinking, signature: 'EqQBCgIYAhIM-signature' },
      { type: 'text', text: 'The answer is 42.' },
    ]);
  });

  it('streams parallel tool_use blocks as many input_json_delta pieces the SDK parses', async () => {
    const weather = { city: 'Paris', unit: 'celsius', days: [1, 2, 3] };
    const time = { zone: 'Europe/Paris' };
    fake.enqueue({
      kind: 'reply',
      chunkSize: 3,
      content: [
        { type: 'text', text: 'Checking both.' },
        { type: 'tool_use', id: 'toolu_a', name: 'get_weather', input: weather },
        { type: 'tool_use', id: 'toolu_b', name: 'get_time', input: time },
      ],
    });
    const pieces: Record<number, string[]> = {};
    const stream = client.messages.stream(base).on('streamEvent', (event) => {
      if (event.type === 'content_block_delta' && event.delta.type === 'input_json_delta') {
        pieces[event.index] = [...(pieces[event.index] ?? []), event.delta.partial_json];
      }
    });
    const final = await stream.finalMessage();
    expect(final.stop_reason).toBe('tool_use');
    expect(final.content.map((b) => (b.type === 'tool_use' ? [b.id, b.name, b.input] : b.type))).toEqual([
      'text',
      ['toolu_a', 'get_weather', weather],
      ['toolu_b', 'get_time', time],
    ]);
    expect(pieces[1]?.[0]).toBe('');
    expect(pieces[1]?.length).toBe(1 + Math.ceil(JSON.stringify(weather).length / 3));
    expect(pieces[2]?.join('')).toBe(JSON.stringify(time));
  });

  it('streams redacted_thinking whole in its content_block_start', async () => {
    fake.enqueue({
      kind: 'reply',
      content: [
        { type: 'redacted_thinking', data: 'EmwKAhgBEgy3va3p' },
        { type: 'text', text: 'ok' },
      ],
    });
    const final = await client.messages.stream(base).finalMessage();
    expect(final.content).toEqual([
      { type: 'redacted_thinking', data: 'EmwKAhgBEgy3va3p' },
      { type: 'text', text: 'ok' },
    ]);
  });

  it('reports cache tokens in message_start and the final output tokens in message_delta', async () => {
    fake.enqueue({
      kind: 'reply',
      text: 'cached',
      usage: { input: 30, output: 9, cacheRead: 1200, cacheCreation: 64 },
    });
    const events: Anthropic.MessageStreamEvent[] = [];
    for await (const event of await client.messages.create({ ...base, stream: true })) events.push(event);
    const start = events.find((e) => e.type === 'message_start');
    const delta = events.find((e) => e.type === 'message_delta');
    expect(start?.message.usage).toMatchObject({
      input_tokens: 30,
      cache_read_input_tokens: 1200,
      cache_creation_input_tokens: 64,
      output_tokens: 1,
    });
    expect(delta?.usage).toEqual({ output_tokens: 9 });

    fake.enqueue({
      kind: 'reply',
      text: 'cached',
      usage: { input: 30, output: 9, cacheRead: 1200, cacheCreation: 64 },
    });
    const final = await client.messages.stream(base).finalMessage();
    expect(final.usage).toMatchObject({
      input_tokens: 30,
      output_tokens: 9,
      cache_read_input_tokens: 1200,
      cache_creation_input_tokens: 64,
    });
  });

  const stopReasons: AnthropicStopReason[] = ['end_turn', 'max_tokens', 'stop_sequence', 'tool_use', 'refusal'];
  it.each(stopReasons)('carries stop_reason %s through both JSON and the stream', async (stopReason) => {
    const request = { ...base, stop_sequences: ['END'] };
    fake.enqueue({ kind: 'reply', stopReason }, { kind: 'reply', stopReason });
    const message = await client.messages.create(request);
    const streamed = await client.messages.stream(request).finalMessage();
    for (const m of [message, streamed]) {
      expect(m.stop_reason).toBe(stopReason);
      expect(m.stop_sequence).toBe(stopReason === 'stop_sequence' ? 'END' : null);
    }
  });

  it('frames every event with an event name equal to its type, with pings between blocks', async () => {
    fake.enqueue({
      kind: 'reply',
      content: [
        { type: 'text', text: 'ab' },
        { type: 'text', text: 'cd' },
      ],
    });
    const response = await fetch(`${fake.baseUrl}/v1/messages`, {
      method: 'POST',
      headers: { 'x-api-key': fake.apiKey, 'anthropic-version': '2023-06-01', 'content-type': 'application/json' },
      body: JSON.stringify({ ...base, stream: true }),
    });
    expect(response.headers.get('content-type')).toMatch(/^text\/event-stream/);
    const frames = (await response.text()).trim().split('\n\n');
    const names = frames.map((f) => /^event: (\w+)\ndata: /.exec(f)?.[1]);
    const types = frames.map((f) => JSON.parse(f.slice(f.indexOf('data: ') + 6)).type);
    expect(names).toEqual(types);
    expect(names).toEqual([
      'message_start',
      'content_block_start',
      'ping',
      'content_block_delta',
      'content_block_stop',
      'ping',
      'content_block_start',
      'content_block_delta',
      'content_block_stop',
      'message_delta',
      'message_stop',
    ]);
  });

  it('counts tokens deterministically from the text length', async () => {
    const request = {
      model: base.model,
      system: 'Be brief',
      messages: [{ role: 'user' as const, content: 'Hello, world' }],
    };
    const counted = await client.messages.countTokens(request);
    expect(counted.input_tokens).toBe(5);
    expect(counted.input_tokens).toBe(countInputTokens(request));
    expect(fake.requestsTo('/v1/messages/count_tokens').length).toBeGreaterThan(0);
  });

  it('lists and retrieves models in the Anthropic list shape', async () => {
    const ids: string[] = [];
    for await (const model of client.models.list()) ids.push(model.id);
    expect(ids).toEqual(['claude-sonnet-4-6', 'claude-haiku-4-5']);
    const one = await client.models.retrieve('claude-haiku-4-5');
    expect(one).toMatchObject({ type: 'model', id: 'claude-haiku-4-5' });
    await expect(client.models.retrieve('gpt-4o')).rejects.toBeInstanceOf(Anthropic.NotFoundError);
  });
});
