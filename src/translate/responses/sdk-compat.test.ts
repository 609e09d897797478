import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import OpenAI, { APIError } from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { IrRequest, IrResponse, IrStreamEvent, IrUsage } from '../ir/types.js';
import { responsesClientCodec } from './codec.js';
import { testContext } from './fixtures/encode-context.js';

/**
 * The official openai SDK reading what the codec writes, over a real socket: a throwaway node:http server
 * answers POST /v1/responses with the stream encoder's SSE (written event by event) or encodeResponse's JSON.
 * The request the SDK sends goes through parseRequest too, so a rejection would fail the test.
 */
const USAGE: IrUsage = {
  inputTokens: 1200,
  outputTokens: 40,
  cacheReadTokens: 1024,
  cacheWriteTokens: 0,
  reasoningTokens: 8,
};

const SCENARIOS: Record<string, IrStreamEvent[]> = {
  text: [
    { type: 'start', id: 'msg_1', model: 'upstream-model' },
    { type: 'block_start', index: 0, block: { type: 'text' } },
    { type: 'text_delta', index: 0, text: 'Hello' },
    { type: 'text_delta', index: 0, text: ' there!' },
    { type: 'block_stop', index: 0 },
    { type: 'finish', stopReason: 'end_turn', usage: USAGE },
  ],
  tools: [
    { type: 'start', id: 'msg_2', model: 'upstream-model' },
    { type: 'block_start', index: 0, block: { type: 'thinking' } },
    { type: 'thinking_delta', index: 0, text: 'Two lookups.' },
    { type: 'signature_delta', index: 0, signature: 'sig-1' },
    { type: 'block_stop', index: 0 },
    { type: 'block_start', index: 1, block: { type: 'tool_call', id: 'call_a', name: 'get_weather' } },
    { type: 'block_start', index: 2, block: { type: 'tool_call', id: 'call_b', name: 'get_time' } },
    { type: 'tool_args_delta', index: 1, json: '{"city":' },
    { type: 'tool_args_delta', index: 2, json: '{"tz":"CET"}' },
    { type: 'tool_args_delta', index: 1, json: '"Paris"}' },
    { type: 'block_stop', index: 1 },
    { type: 'block_stop', index: 2 },
    { type: 'finish', stopReason: 'tool_use', usage: USAGE },
  ],
  truncated: [
    { type: 'start', id: 'msg_3', model: 'upstream-model' },
    { type: 'block_start', index: 0, block: { type: 'text' } },
    { type: 'text_delta', index: 0, text: 'Once upon' },
    { type: 'block_stop', index: 0 },
    { type: 'finish', stopReason: 'max_tokens', usage: USAGE },
  ],
  failing: [
    { type: 'start', id: 'msg_4', model: 'upstream-model' },
    { type: 'block_start', index: 0, block: { type: 'text' } },
    { type: 'text_delta', index: 0, text: 'Hel' },
    { type: 'error', kind: 'overloaded', message: 'upstream overloaded' },
  ],
};

const JSON_ANSWER: IrResponse = {
  id: 'msg_5',
  model: 'upstream-model',
  content: [
    { type: 'text', text: 'Paris is sunny.' },
    { type: 'tool_call', id: 'call_c', name: 'get_weather', arguments: '{"city":"Lyon"}' },
  ],
  stopReason: 'tool_use',
  usage: USAGE,
};

let server: Server;
let client: OpenAI;
const parsed: IrRequest[] = [];

beforeAll(async () => {
  server = createServer((req, res) => {
    let raw = '';
    req.on('data', (chunk: Buffer) => {
      raw += chunk.toString('utf8');
    });
    req.on('end', () => {
      const body = JSON.parse(raw) as Record<string, unknown>;
      parsed.push(responsesClientCodec.parseRequest(body));
      const context = testContext(body);
      if (!body.stream) {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify(responsesClientCodec.encodeResponse(JSON_ANSWER, context)));
        return;
      }
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      const encoder = responsesClientCodec.streamEncoder(context);
      for (const event of SCENARIOS[String(body.model)] ?? []) res.write(encoder.encode(event));
      res.end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  client = new OpenAI({ apiKey: 'test-key', baseURL: `http://127.0.0.1:${port}/v1`, maxRetries: 0 });
});

afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
});

const tools: OpenAI.Responses.FunctionTool[] = [
  {
    type: 'function',
    name: 'get_weather',
    parameters: { type: 'object', properties: { city: { type: 'string' } } },
    strict: false,
  },
  {
    type: 'function',
    name: 'get_time',
    parameters: { type: 'object', properties: { tz: { type: 'string' } } },
    strict: false,
  },
];

describe('the openai SDK reading the Responses codec', () => {
  it('accumulates a streamed text answer into finalResponse with text, status and usage', async () => {
    const deltas: string[] = [];
    const stream = client.responses
      .stream({ model: 'text', input: 'Say hello', instructions: 'Be brief.' })
      .on('response.output_text.delta', (event) => deltas.push(event.snapshot));
    const final = await stream.finalResponse();
    expect(final.output_text).toBe('Hello there!');
    expect(deltas).toEqual(['Hello', 'Hello there!']);
    expect(final.status).toBe('completed');
    expect(final.model).toBe('upstream-model');
    expect(final).toMatchObject({ store: false });
    expect(final.usage).toEqual({
      input_tokens: 1200,
      input_tokens_details: { cached_tokens: 1024, cache_write_tokens: 0 },
      output_tokens: 40,
      output_tokens_details: { reasoning_tokens: 8 },
      total_tokens: 1240,
    });
    expect(parsed.at(-1)?.system).toEqual([{ type: 'text', text: 'Be brief.' }]);
  });

  it('accumulates interleaved parallel function calls with their names and parsed arguments', async () => {
    const final = await client.responses.stream({ model: 'tools', input: 'Weather and time?', tools }).finalResponse();
    const calls = final.output.filter((item) => item.type === 'function_call');
    expect(calls.map((call) => [call.call_id, call.name, JSON.parse(call.arguments)])).toEqual([
      ['call_a', 'get_weather', { city: 'Paris' }],
      ['call_b', 'get_time', { tz: 'CET' }],
    ]);
    expect(final.output[0]).toMatchObject({
      type: 'reasoning',
      summary: [{ type: 'summary_text', text: 'Two lookups.' }],
    });

    // The SDK user sends the output back with the tool results: the signed thinking survives the trip.
    await client.responses.create({
      model: 'text',
      input: [
        { role: 'user', content: 'Weather and time?' },
        ...(final.output as OpenAI.Responses.ResponseInputItem[]),
        { type: 'function_call_output', call_id: 'call_a', output: '21C' },
        { type: 'function_call_output', call_id: 'call_b', output: '14:00' },
      ],
    });
    expect(parsed.at(-1)?.messages[1]?.content[0]).toEqual({
      type: 'thinking',
      text: 'Two lookups.',
      signature: 'sig-1',
    });
    expect(parsed.at(-1)?.messages[2]?.content.map((part) => part.type)).toEqual(['tool_result', 'tool_result']);
  });

  it('yields every event through create({stream: true}), ending with response.completed', async () => {
    const stream = await client.responses.create({ model: 'tools', input: 'Weather?', tools, stream: true });
    const seen: string[] = [];
    for await (const event of stream) seen.push(event.type);
    expect(seen[0]).toBe('response.created');
    expect(seen.at(-1)).toBe('response.completed');
    expect(seen.filter((type) => type === 'response.output_item.done')).toHaveLength(3);
  });

  it('reports a truncated stream as incomplete for max_output_tokens', async () => {
    const final = await client.responses.stream({ model: 'truncated', input: 'story' }).finalResponse();
    expect(final.status).toBe('incomplete');
    expect(final.incomplete_details).toEqual({ reason: 'max_output_tokens' });
    expect(final.output_text).toBe('Once upon');
    expect(final.usage?.output_tokens).toBe(40);
  });

  it('raises an APIError from finalResponse when the stream fails', async () => {
    const failure = client.responses.stream({ model: 'failing', input: 'hi' }).finalResponse();
    await expect(failure).rejects.toBeInstanceOf(APIError);
    await expect(failure).rejects.toThrow(/upstream overloaded/);
  });

  it('raises an APIError while iterating create({stream: true}) when the stream fails', async () => {
    const stream = await client.responses.create({ model: 'failing', input: 'hi', stream: true });
    const seen: string[] = [];
    const iterate = async () => {
      for await (const event of stream) seen.push(event.type);
    };
    const error = await iterate().then(
      () => undefined,
      (caught: unknown) => caught,
    );
    expect(error).toBeInstanceOf(APIError);
    expect((error as APIError).type).toBe('server_error');
    expect(seen).toContain('response.output_text.delta');
    expect(seen).not.toContain('response.completed');
  });

  it('reads the non-streamed Response body with output_text and function calls', async () => {
    const response = await client.responses.create({ model: 'json', input: 'Weather in Lyon?', tools });
    expect(response.output_text).toBe('Paris is sunny.');
    expect(response.status).toBe('completed');
    const call = response.output.find((item) => item.type === 'function_call');
    expect(call).toMatchObject({ call_id: 'call_c', name: 'get_weather', arguments: '{"city":"Lyon"}' });
    expect(response.usage?.input_tokens_details.cached_tokens).toBe(1024);
  });
});
