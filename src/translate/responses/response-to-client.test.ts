import { describe, expect, it } from 'vitest';
import type { IrResponse, IrStopReason } from '../ir/types.js';
import { testContext } from './fixtures/encode-context.js';
import { parseResponsesRequest } from './request-from-client.js';
import { encodeResponsesResponse } from './response-to-client.js';

const USAGE = { inputTokens: 36, outputTokens: 87, cacheReadTokens: 0, cacheWriteTokens: 0 };

function response(overrides: Partial<IrResponse>): IrResponse {
  return {
    id: 'msg_upstream',
    model: 'claude-sonnet-4-5',
    content: [{ type: 'text', text: 'Hello!' }],
    stopReason: 'end_turn',
    usage: USAGE,
    ...overrides,
  };
}

describe('encoding a Responses answer', () => {
  it('builds the whole Response object, echoing the client parameters', () => {
    const clientRequest = {
      model: 'my-alias',
      instructions: 'Be kind.',
      input: 'Tell me a story.',
      max_output_tokens: 1000,
      metadata: { ticket: 'T-1' },
      temperature: 0.7,
      text: { format: { type: 'text' } },
      tools: [{ type: 'function', name: 'get_weather', parameters: { type: 'object' }, strict: false }],
      tool_choice: 'auto',
      user: 'u-1',
      store: true,
    };
    const body = encodeResponsesResponse(
      response({
        content: [
          { type: 'text', text: 'Once upon a time, a unicorn slept.' },
          { type: 'tool_call', id: 'toolu_01', name: 'get_weather', arguments: '{"city":"Paris"}' },
        ],
        stopReason: 'tool_use',
        usage: { ...USAGE, reasoningTokens: 0 },
      }),
      testContext(clientRequest),
    );
    expect(body).toEqual({
      id: 'resp_1',
      object: 'response',
      created_at: 1_741_476_542,
      status: 'completed',
      background: false,
      error: null,
      incomplete_details: null,
      instructions: 'Be kind.',
      max_output_tokens: 1000,
      metadata: { ticket: 'T-1' },
      model: 'claude-sonnet-4-5',
      output: [
        {
          id: 'msg_1',
          type: 'message',
          status: 'completed',
          role: 'assistant',
          content: [{ type: 'output_text', text: 'Once upon a time, a unicorn slept.', annotations: [], logprobs: [] }],
        },
        {
          id: 'fc_1',
          type: 'function_call',
          status: 'completed',
          call_id: 'toolu_01',
          name: 'get_weather',
          arguments: '{"city":"Paris"}',
        },
      ],
      parallel_tool_calls: true,
      previous_response_id: null,
      reasoning: { effort: null, summary: null },
      store: true,
      temperature: 0.7,
      text: { format: { type: 'text' } },
      tool_choice: 'auto',
      tools: clientRequest.tools,
      top_p: null,
      truncation: 'disabled',
      usage: {
        input_tokens: 36,
        input_tokens_details: { cached_tokens: 0, cache_write_tokens: 0 },
        output_tokens: 87,
        output_tokens_details: { reasoning_tokens: 0 },
        total_tokens: 123,
      },
      user: 'u-1',
    });
  });

  it('fills the API defaults for parameters the client left out', () => {
    const body = encodeResponsesResponse(response({}), testContext({ model: 'm', input: 'hi' }));
    expect(body).toMatchObject({
      instructions: null,
      max_output_tokens: null,
      metadata: {},
      parallel_tool_calls: true,
      reasoning: { effort: null, summary: null },
      temperature: null,
      text: { format: { type: 'text' } },
      tool_choice: 'auto',
      tools: [],
      top_p: null,
      truncation: 'disabled',
      user: null,
    });
  });

  it('reports cached and reasoning tokens, with input including the cache', () => {
    const body = encodeResponsesResponse(
      response({
        usage: {
          inputTokens: 2006,
          outputTokens: 300,
          cacheReadTokens: 1920,
          cacheWriteTokens: 64,
          reasoningTokens: 128,
        },
      }),
      testContext({ model: 'm', input: 'hi' }),
    );
    expect(body.usage).toEqual({
      input_tokens: 2006,
      input_tokens_details: { cached_tokens: 1920, cache_write_tokens: 64 },
      output_tokens: 300,
      output_tokens_details: { reasoning_tokens: 128 },
      total_tokens: 2306,
    });
  });

  it('returns signed thinking as a reasoning item that the next request turns back into the same thinking', () => {
    const thinking = { type: 'thinking' as const, text: 'The user wants weather.', signature: 'EqQBCkgIARAB' };
    const body = encodeResponsesResponse(
      response({
        content: [
          thinking,
          { type: 'redacted_thinking', data: 'EmwKAhgBEgy3va' },
          { type: 'tool_call', id: 'toolu_9', name: 'get_weather', arguments: '{}' },
        ],
        stopReason: 'tool_use',
      }),
      testContext({ model: 'm', input: 'hi', reasoning: { effort: 'medium', summary: 'auto' } }),
    );
    expect(body.reasoning).toEqual({ effort: 'medium', summary: 'auto' });
    const [reasoning, redacted] = body.output;
    expect(reasoning).toMatchObject({
      id: 'rs_1',
      type: 'reasoning',
      summary: [{ type: 'summary_text', text: thinking.text }],
    });
    expect(redacted).toMatchObject({ id: 'rs_2', type: 'reasoning', summary: [] });

    const next = parseResponsesRequest({
      model: 'm',
      input: [
        { role: 'user', content: 'hi' },
        ...body.output,
        { type: 'function_call_output', call_id: 'toolu_9', output: 'sunny' },
      ],
    });
    expect(next.messages[1]).toEqual({
      role: 'assistant',
      path: 'input[1]',
      content: [
        thinking,
        { type: 'redacted_thinking', data: 'EmwKAhgBEgy3va' },
        { type: 'tool_call', id: 'toolu_9', name: 'get_weather', arguments: '{}', path: 'input[3].arguments' },
      ],
    });
  });

  const OUTCOMES: Array<[IrStopReason, string, { reason: string } | null]> = [
    ['end_turn', 'completed', null],
    ['stop_sequence', 'completed', null],
    ['tool_use', 'completed', null],
    ['pause_turn', 'completed', null],
    ['max_tokens', 'incomplete', { reason: 'max_output_tokens' }],
    ['content_filter', 'incomplete', { reason: 'content_filter' }],
    ['refusal', 'incomplete', { reason: 'content_filter' }],
  ];
  for (const [stopReason, status, details] of OUTCOMES) {
    it(`answers stop reason ${stopReason} with status ${status}`, () => {
      const body = encodeResponsesResponse(response({ stopReason }), testContext({ model: 'm', input: 'hi' }));
      expect(body.status).toBe(status);
      expect(body.incomplete_details).toEqual(details);
      expect(body.output[0]).toMatchObject({ status: status === 'incomplete' ? 'incomplete' : 'completed' });
    });
  }

  it('marks only the item that was cut short as incomplete', () => {
    const body = encodeResponsesResponse(
      response({
        content: [
          { type: 'text', text: 'Let me check.' },
          { type: 'tool_call', id: 'call_1', name: 'f', arguments: '{"a":' },
        ],
        stopReason: 'max_tokens',
      }),
      testContext({ model: 'm', input: 'hi' }),
    );
    expect(body.output.map((item) => item.type === 'reasoning' || item.status)).toEqual(['completed', 'incomplete']);
  });
});
