import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import Anthropic from '@anthropic-ai/sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { IrStreamEvent } from '../ir/types.js';
import { fixtureEvents, testContext } from './fixtures/load-fixture.js';
import { anthropicStreamDecoder } from './stream-from-upstream.js';
import { anthropicStreamEncoder } from './stream-to-client.js';

/** What the official SDK hands the application when our encoder's SSE text is the server's answer. */

let server: Server;
let client: Anthropic;
let nextBody = '';
const requestedPaths: string[] = [];

beforeAll(async () => {
  server = createServer((req, res) => {
    requestedPaths.push(req.url ?? '');
    req.resume();
    req.on('end', () => {
      res.writeHead(200, { 'content-type': 'text/event-stream', 'request-id': 'req_test' });
      res.end(nextBody);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  client = new Anthropic({ apiKey: 'test-key', baseURL: `http://127.0.0.1:${port}`, maxRetries: 0 });
});

afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
});

function serve(events: IrStreamEvent[]): void {
  const encoder = anthropicStreamEncoder(testContext({ model: 'claude-via-gateway' }));
  nextBody = events.map((event) => encoder.encode(event)).join('');
}

const params = { model: 'claude-via-gateway', max_tokens: 1024, messages: [{ role: 'user' as const, content: 'hi' }] };

/** An OpenAI-compatible upstream's stream as IR: reasoning, text, two interleaved parallel tool calls, usage last. */
const openAiStyleStream: IrStreamEvent[] = [
  { type: 'start', id: 'chatcmpl-42', model: 'gpt-4o' },
  { type: 'block_start', index: 0, block: { type: 'thinking' } },
  { type: 'thinking_delta', index: 0, text: 'Two cities, ' },
  { type: 'thinking_delta', index: 0, text: 'two calls.' },
  { type: 'block_stop', index: 0 },
  { type: 'block_start', index: 1, block: { type: 'text' } },
  { type: 'text_delta', index: 1, text: 'Checking both.' },
  { type: 'block_stop', index: 1 },
  { type: 'block_start', index: 2, block: { type: 'tool_call', id: 'call_paris', name: 'get_weather' } },
  { type: 'tool_args_delta', index: 2, json: '{"ci' },
  { type: 'block_start', index: 3, block: { type: 'tool_call', id: 'call_rome', name: 'get_weather' } },
  { type: 'tool_args_delta', index: 3, json: '{"city":' },
  { type: 'tool_args_delta', index: 2, json: 'ty":"Par' },
  { type: 'tool_args_delta', index: 3, json: '"Rome"}' },
  { type: 'tool_args_delta', index: 2, json: 'is"}' },
  { type: 'block_stop', index: 2 },
  { type: 'block_stop', index: 3 },
  {
    type: 'finish',
    stopReason: 'tool_use',
    usage: { inputTokens: 120, outputTokens: 40, cacheReadTokens: 100, cacheWriteTokens: 0 },
  },
];

describe('Anthropic stream encoder read by the official SDK', () => {
  it('gives finalMessage() the text, thinking, parsed tool inputs, stop reason and usage', async () => {
    serve(openAiStyleStream);
    const message = await client.messages.stream(params).finalMessage();
    expect(requestedPaths.at(-1)).toBe('/v1/messages');
    expect(message.id).toBe('chatcmpl-42');
    expect(message.content).toEqual([
      { type: 'thinking', thinking: 'Two cities, two calls.', signature: '' },
      { type: 'text', text: 'Checking both.' },
      { type: 'tool_use', id: 'call_paris', name: 'get_weather', input: { city: 'Paris' } },
      { type: 'tool_use', id: 'call_rome', name: 'get_weather', input: { city: 'Rome' } },
    ]);
    expect(message.stop_reason).toBe('tool_use');
    expect(message.usage).toMatchObject({
      input_tokens: 20,
      cache_read_input_tokens: 100,
      cache_creation_input_tokens: 0,
      output_tokens: 40,
    });
  });

  it('streams text events as they come through create({stream: true})', async () => {
    serve(openAiStyleStream);
    const stream = await client.messages.create({ ...params, stream: true });
    const types: string[] = [];
    let text = '';
    for await (const event of stream) {
      types.push(event.type);
      if (event.type === 'content_block_delta' && event.delta.type === 'text_delta') text += event.delta.text;
    }
    expect(text).toBe('Checking both.');
    expect(types[0]).toBe('message_start');
    expect(types.slice(-2)).toEqual(['message_delta', 'message_stop']);
  });

  it('round-trips a native Anthropic stream (signed thinking, then a tool call) through decoder and encoder', async () => {
    const decoder = anthropicStreamDecoder();
    const ir = [...fixtureEvents('thinking-tool-stream.sse').flatMap((e) => decoder.decode(e)), ...decoder.end()];
    serve(ir);
    const message = await client.messages.stream(params).finalMessage();
    expect(message.content).toEqual([
      {
        type: 'thinking',
        thinking: 'The user is asking for weather information for Florence, Italy. I have a weather tool available.',
        signature: 'EtcCCkYIBRgCKkDvmVQ2vPYg5BSsig1pjHkfPQ',
      },
      {
        type: 'tool_use',
        id: 'toolu_01Qd6VQ7GhtvVfX2XhTFStWW',
        name: 'weather',
        input: { location: 'Florence, Italy' },
      },
    ]);
    expect(message.usage).toMatchObject({ input_tokens: 423, output_tokens: 131 });
  });

  it('raises an APIError carrying the error type when the stream ends with an error event', async () => {
    serve([
      { type: 'start', id: 'chatcmpl-7', model: 'gpt-4o' },
      { type: 'block_start', index: 0, block: { type: 'text' } },
      { type: 'text_delta', index: 0, text: 'Once upon' },
      { type: 'error', kind: 'overloaded', message: 'Overloaded' },
    ]);
    const failure = await client.messages
      .stream(params)
      .finalMessage()
      .then(
        () => undefined,
        (error: unknown) => error,
      );
    expect(failure).toBeInstanceOf(Anthropic.APIError);
    expect(failure).toMatchObject({ type: 'overloaded_error', apiMessage: 'Overloaded' });
  });
});
