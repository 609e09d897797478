import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import OpenAI, { APIError } from 'openai';
import type { ChatCompletionTool } from 'openai/resources/chat/completions';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EncodeContext } from '../contract.js';
import type { IrStreamEvent } from '../ir/types.js';
import { chatCompletion } from './response-to-client.js';
import { ChatStreamEncoder } from './stream-to-client.js';

/** What the openai SDK hands the application when it reads this encoder's output from a real socket. */

let server: Server;
let client: OpenAI;
let reply: { contentType: string; pieces: string[] } = { contentType: 'text/event-stream', pieces: [] };

beforeAll(async () => {
  server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      res.writeHead(200, { 'content-type': reply.contentType });
      for (const piece of reply.pieces) res.write(piece);
      res.end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  client = new OpenAI({ baseURL: `http://127.0.0.1:${port}/v1`, apiKey: 'sk-test', maxRetries: 0 });
});

afterAll(async () => {
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

function context(clientRequest: Record<string, unknown>): EncodeContext {
  let next = 0;
  return { clientRequest, createdAt: 1_700_000_000, newId: (prefix) => `${prefix}gen${++next}` };
}

function serveStream(events: IrStreamEvent[], clientRequest: Record<string, unknown>): void {
  const encoder = new ChatStreamEncoder(context(clientRequest));
  reply = { contentType: 'text/event-stream', pieces: events.map((event) => encoder.encode(event)).filter(Boolean) };
}

const usage = { inputTokens: 120, outputTokens: 40, cacheReadTokens: 100, cacheWriteTokens: 0, reasoningTokens: 12 };

/** Text, then two parallel tool calls whose argument deltas interleave. */
const toolTurn: IrStreamEvent[] = [
  { type: 'start', id: 'msg_01', model: 'claude-sonnet-4-5' },
  { type: 'block_start', index: 0, block: { type: 'thinking' } },
  { type: 'thinking_delta', index: 0, text: 'Two calls.' },
  { type: 'signature_delta', index: 0, signature: 'sig' },
  { type: 'block_stop', index: 0 },
  { type: 'block_start', index: 1, block: { type: 'text' } },
  { type: 'text_delta', index: 1, text: 'Checking ' },
  { type: 'text_delta', index: 1, text: 'both.' },
  { type: 'block_stop', index: 1 },
  { type: 'block_start', index: 2, block: { type: 'tool_call', id: 'toolu_A', name: 'get_weather' } },
  { type: 'tool_args_delta', index: 2, json: '{"city":' },
  { type: 'block_start', index: 3, block: { type: 'tool_call', id: 'toolu_B', name: 'get_time' } },
  { type: 'tool_args_delta', index: 3, json: '{"zone":' },
  { type: 'tool_args_delta', index: 2, json: '"Paris"}' },
  { type: 'tool_args_delta', index: 3, json: '"CET"}' },
  { type: 'block_stop', index: 2 },
  { type: 'block_stop', index: 3 },
  { type: 'finish', stopReason: 'tool_use', usage },
];

const strictTool = (name: string, property: string): ChatCompletionTool => ({
  type: 'function',
  function: {
    name,
    strict: true,
    parameters: {
      type: 'object',
      properties: { [property]: { type: 'string' } },
      required: [property],
      additionalProperties: false,
    },
  },
});

const request = {
  model: 'claude-sonnet-4-5',
  messages: [{ role: 'user' as const, content: 'Weather and time in Paris?' }],
  tools: [strictTool('get_weather', 'city'), strictTool('get_time', 'zone')],
  stream_options: { include_usage: true },
};

describe('the Chat stream encoder read by the official openai SDK', () => {
  it('gives the stream helper the text, tool calls with parsed arguments, finish reason and usage', async () => {
    serveStream(toolTurn, { ...request, stream: true });
    const stream = client.chat.completions.stream(request);
    const texts: string[] = [];
    const finishedCalls: Array<{ name: string; parsed: unknown }> = [];
    stream.on('content.delta', ({ delta }) => texts.push(delta));
    stream.on('tool_calls.function.arguments.done', ({ name, parsed_arguments }) => {
      finishedCalls.push({ name, parsed: parsed_arguments });
    });
    const completion = await stream.finalChatCompletion();
    const choice = completion.choices[0];

    expect(texts).toEqual(['Checking ', 'both.']);
    expect(choice?.message.content).toBe('Checking both.');
    expect(
      choice?.message.tool_calls?.map((call) => ({
        id: call.id,
        name: call.function.name,
        arguments: call.function.parsed_arguments,
      })),
    ).toEqual([
      { id: 'toolu_A', name: 'get_weather', arguments: { city: 'Paris' } },
      { id: 'toolu_B', name: 'get_time', arguments: { zone: 'CET' } },
    ]);
    expect(finishedCalls).toEqual([
      { name: 'get_weather', parsed: { city: 'Paris' } },
      { name: 'get_time', parsed: { zone: 'CET' } },
    ]);
    expect(choice?.finish_reason).toBe('tool_calls');
    expect(completion.id).toBe('msg_01');
    expect(completion.usage).toMatchObject({
      prompt_tokens: 120,
      completion_tokens: 40,
      total_tokens: 160,
      prompt_tokens_details: { cached_tokens: 100 },
      completion_tokens_details: { reasoning_tokens: 12 },
    });
  });

  it('gives create({stream: true}) the chunks, reasoning and the usage chunk last', async () => {
    serveStream(toolTurn, { ...request, stream: true });
    const chunks = [];
    for await (const chunk of await client.chat.completions.create({ ...request, stream: true })) chunks.push(chunk);
    const deltas = chunks.flatMap((chunk) => chunk.choices.map((choice) => choice.delta));
    const reasoning = deltas.map((delta) => (delta as { reasoning_content?: string }).reasoning_content ?? '').join('');
    expect(reasoning).toBe('Two calls.');
    expect(deltas.map((delta) => delta.content ?? '').join('')).toBe('Checking both.');
    expect(chunks.at(-1)?.choices).toEqual([]);
    expect(chunks.at(-1)?.usage?.total_tokens).toBe(160);
    expect(chunks.slice(0, -1).every((chunk) => chunk.usage === null)).toBe(true);
  });

  it('sends no usage chunk to a client that did not ask for one', async () => {
    const { stream_options: _omitted, ...plain } = request;
    serveStream(toolTurn, { ...plain, stream: true });
    const chunks = [];
    for await (const chunk of await client.chat.completions.create({ ...plain, stream: true })) chunks.push(chunk);
    expect(chunks.at(-1)?.choices[0]?.finish_reason).toBe('tool_calls');
    expect(chunks.every((chunk) => chunk.usage === undefined)).toBe(true);
  });

  it('makes the SDK raise an APIError on the error event, after the text that came before it', async () => {
    serveStream(
      [
        { type: 'start', id: 'msg_02', model: 'claude-sonnet-4-5' },
        { type: 'block_start', index: 0, block: { type: 'text' } },
        { type: 'text_delta', index: 0, text: 'Partial' },
        { type: 'error', kind: 'overloaded', message: 'Overloaded' },
      ],
      { ...request, stream: true },
    );
    const seen: string[] = [];
    const read = async () => {
      for await (const chunk of await client.chat.completions.create({ ...request, stream: true })) {
        seen.push(chunk.choices[0]?.delta.content ?? '');
      }
    };
    const error = await read().catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(APIError);
    expect((error as APIError).message).toContain('Overloaded');
    expect((error as APIError).type).toBe('server_error');
    expect((error as APIError).code).toBe('overloaded');
    expect(seen.join('')).toBe('Partial');

    const helper = client.chat.completions.stream(request);
    await expect(helper.finalChatCompletion()).rejects.toBeInstanceOf(APIError);
  });

  it('gives a non-streamed completion with its reasoning to the SDK unchanged', async () => {
    const completion = chatCompletion(
      {
        id: 'msg_03',
        model: 'claude-sonnet-4-5',
        content: [
          { type: 'thinking', text: 'Simple.', signature: 's' },
          { type: 'text', text: 'Paris.' },
        ],
        stopReason: 'end_turn',
        usage,
      },
      context({}),
    );
    reply = { contentType: 'application/json', pieces: [JSON.stringify(completion)] };
    const answer = await client.chat.completions.create({ model: 'm', messages: request.messages });
    const choice = answer.choices[0]!;
    expect(choice.message.content).toBe('Paris.');
    expect((choice.message as { reasoning_content?: string }).reasoning_content).toBe('Simple.');
    expect(choice.finish_reason).toBe('stop');
    expect(answer.usage?.prompt_tokens_details?.cached_tokens).toBe(100);
  });
});
