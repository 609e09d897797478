import { describe, expect, it } from 'vitest';
import { parseSseEvents } from '../../upstream/sse-parse.js';
import type { IrStreamEvent, IrUsage } from '../ir/types.js';
import { testContext } from './fixtures/encode-context.js';
import { parseResponsesRequest } from './request-from-client.js';
import { ResponsesStreamEncoder } from './stream-to-client.js';

type Event = Record<string, any> & { type: string; sequence_number: number };

const USAGE: IrUsage = { inputTokens: 25, outputTokens: 12, cacheReadTokens: 0, cacheWriteTokens: 0 };
const START: IrStreamEvent = { type: 'start', id: 'msg_01', model: 'claude-sonnet-4-5', usage: { inputTokens: 25 } };

/** Encodes the IR events one by one and reads the SSE text back, checking the framing as it goes. */
function encode(
  events: IrStreamEvent[],
  clientRequest: Record<string, unknown> = { model: 'alias', input: 'hi', stream: true },
) {
  const encoder = new ResponsesStreamEncoder(testContext(clientRequest));
  const text = events.map((event) => encoder.encode(event)).join('');
  return parseSseEvents(text).map((sse) => {
    const data = JSON.parse(sse.data) as Event;
    expect(sse.event).toBe(data.type);
    return data;
  });
}

const types = (events: Event[]) => events.map((event) => event.type);

describe('streaming a Responses answer', () => {
  it('writes text deltas the decoder copied from the upstream byte for byte as the general path would', () => {
    const stream = (quote: boolean): IrStreamEvent[] => [
      START,
      { type: 'block_start', index: 0, block: { type: 'text' } },
      ...['Hi', '', ' there', ' "friend"'].map(
        (text): IrStreamEvent => ({
          type: 'text_delta',
          index: 0,
          text,
          ...(quote ? { quoted: JSON.stringify(text) } : {}),
        }),
      ),
      { type: 'block_stop', index: 0 },
      { type: 'block_start', index: 1, block: { type: 'text' } },
      { type: 'text_delta', index: 1, text: 'after a stop', ...(quote ? { quoted: '"after a stop"' } : {}) },
      { type: 'finish', stopReason: 'end_turn', usage: USAGE },
    ];
    const text = (events: IrStreamEvent[]) => {
      const encoder = new ResponsesStreamEncoder(testContext({ model: 'alias', input: 'hi', stream: true }));
      return events.map((event) => encoder.encode(event)).join('');
    };
    expect(text(stream(true))).toBe(text(stream(false)));
  });

  it('keeps the escapes of a copied text delta and the text in the final item', () => {
    const events = encode([
      START,
      { type: 'block_start', index: 0, block: { type: 'text' } },
      { type: 'text_delta', index: 0, text: 'café', quoted: '"caf\\u00e9"' },
      { type: 'finish', stopReason: 'end_turn', usage: USAGE },
    ]);
    expect(events.find((event) => event.type === 'response.output_text.delta')?.delta).toBe('café');
    expect(events.at(-1)?.response.output[0].content[0].text).toBe('café');
  });

  it('streams text as the documented event sequence, numbered from 0', () => {
    const events = encode([
      START,
      { type: 'block_start', index: 0, block: { type: 'text' } },
      { type: 'text_delta', index: 0, text: 'Hi' },
      { type: 'text_delta', index: 0, text: '' },
      { type: 'text_delta', index: 0, text: ' there' },
      { type: 'block_stop', index: 0 },
      { type: 'finish', stopReason: 'end_turn', usage: USAGE },
    ]);
    expect(types(events)).toEqual([
      'response.created',
      'response.in_progress',
      'response.output_item.added',
      'response.content_part.added',
      'response.output_text.delta',
      'response.output_text.delta',
      'response.output_text.done',
      'response.content_part.done',
      'response.output_item.done',
      'response.completed',
    ]);
    expect(events.map((event) => event.sequence_number)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(events[0]?.response).toMatchObject({
      id: 'resp_1',
      object: 'response',
      status: 'in_progress',
      model: 'claude-sonnet-4-5',
      output: [],
      usage: null,
      store: false,
    });
    expect(events[2]).toEqual({
      type: 'response.output_item.added',
      sequence_number: 2,
      output_index: 0,
      item: { id: 'msg_1', type: 'message', status: 'in_progress', role: 'assistant', content: [] },
    });
    expect(events[3]).toEqual({
      type: 'response.content_part.added',
      sequence_number: 3,
      item_id: 'msg_1',
      output_index: 0,
      content_index: 0,
      part: { type: 'output_text', text: '', annotations: [], logprobs: [] },
    });
    expect(events[5]).toEqual({
      type: 'response.output_text.delta',
      sequence_number: 5,
      item_id: 'msg_1',
      output_index: 0,
      content_index: 0,
      delta: ' there',
      logprobs: [],
    });
    expect(events[6]).toMatchObject({ type: 'response.output_text.done', text: 'Hi there', logprobs: [] });
    expect(events[7]?.part).toEqual({ type: 'output_text', text: 'Hi there', annotations: [], logprobs: [] });
    expect(events[8]?.item).toEqual({
      id: 'msg_1',
      type: 'message',
      status: 'completed',
      role: 'assistant',
      content: [{ type: 'output_text', text: 'Hi there', annotations: [], logprobs: [] }],
    });
    expect(events[9]?.response).toMatchObject({
      id: 'resp_1',
      status: 'completed',
      incomplete_details: null,
      output: [events[8]?.item],
      usage: {
        input_tokens: 25,
        input_tokens_details: { cached_tokens: 0, cache_write_tokens: 0 },
        output_tokens: 12,
        output_tokens_details: { reasoning_tokens: 0 },
        total_tokens: 37,
      },
    });
  });

  it('gives interleaved parallel tool calls their own output items and keeps split arguments whole', () => {
    const events = encode([
      START,
      { type: 'block_start', index: 0, block: { type: 'tool_call', id: 'call_a', name: 'get_weather' } },
      { type: 'tool_args_delta', index: 0, json: '{"lo' },
      { type: 'block_start', index: 1, block: { type: 'tool_call', id: 'call_b', name: 'get_time' } },
      { type: 'tool_args_delta', index: 1, json: '{"tz":' },
      { type: 'tool_args_delta', index: 0, json: 'cation":"Paris"}' },
      { type: 'tool_args_delta', index: 1, json: '' },
      { type: 'tool_args_delta', index: 1, json: '"CET"}' },
      { type: 'block_stop', index: 0 },
      { type: 'block_stop', index: 1 },
      { type: 'finish', stopReason: 'tool_use', usage: USAGE },
    ]);
    expect(types(events).slice(2)).toEqual([
      'response.output_item.added',
      'response.function_call_arguments.delta',
      'response.output_item.added',
      'response.function_call_arguments.delta',
      'response.function_call_arguments.delta',
      'response.function_call_arguments.delta',
      'response.function_call_arguments.done',
      'response.output_item.done',
      'response.function_call_arguments.done',
      'response.output_item.done',
      'response.completed',
    ]);
    expect(events[2]?.item).toEqual({
      id: 'fc_1',
      type: 'function_call',
      status: 'in_progress',
      call_id: 'call_a',
      name: 'get_weather',
      arguments: '',
    });
    const deltas = events.filter((event) => event.type === 'response.function_call_arguments.delta');
    expect(deltas.map((event) => [event.output_index, event.item_id, event.delta])).toEqual([
      [0, 'fc_1', '{"lo'],
      [1, 'fc_2', '{"tz":'],
      [0, 'fc_1', 'cation":"Paris"}'],
      [1, 'fc_2', '"CET"}'],
    ]);
    const done = events.filter((event) => event.type === 'response.function_call_arguments.done');
    expect(done.map((event) => [event.output_index, event.name, event.arguments])).toEqual([
      [0, 'get_weather', '{"location":"Paris"}'],
      [1, 'get_time', '{"tz":"CET"}'],
    ]);
    const final = events.at(-1)?.response;
    expect(final.output.map((item: any) => [item.call_id, item.arguments, item.status])).toEqual([
      ['call_a', '{"location":"Paris"}', 'completed'],
      ['call_b', '{"tz":"CET"}', 'completed'],
    ]);
  });

  it('streams thinking as a reasoning summary and closes it with the signed envelope', () => {
    const events = encode([
      START,
      { type: 'block_start', index: 0, block: { type: 'thinking' } },
      { type: 'thinking_delta', index: 0, text: 'The user wants ' },
      { type: 'thinking_delta', index: 0, text: 'the weather.' },
      { type: 'signature_delta', index: 0, signature: 'EqQBCkgIARAB' },
      { type: 'block_stop', index: 0 },
      { type: 'block_start', index: 1, block: { type: 'tool_call', id: 'toolu_1', name: 'get_weather' } },
      { type: 'tool_args_delta', index: 1, json: '{"city":"Paris"}' },
      { type: 'block_stop', index: 1 },
      { type: 'finish', stopReason: 'tool_use', usage: { ...USAGE, reasoningTokens: 9 } },
    ]);
    expect(types(events).slice(2, 9)).toEqual([
      'response.output_item.added',
      'response.reasoning_summary_part.added',
      'response.reasoning_summary_text.delta',
      'response.reasoning_summary_text.delta',
      'response.reasoning_summary_text.done',
      'response.reasoning_summary_part.done',
      'response.output_item.done',
    ]);
    expect(events[2]?.item).toEqual({ id: 'rs_1', type: 'reasoning', summary: [] });
    expect(events[3]).toMatchObject({ item_id: 'rs_1', summary_index: 0, part: { type: 'summary_text', text: '' } });
    expect(events[6]).toMatchObject({ text: 'The user wants the weather.', summary_index: 0 });
    const reasoning = events[8]?.item;
    expect(reasoning.summary).toEqual([{ type: 'summary_text', text: 'The user wants the weather.' }]);
    expect(reasoning.encrypted_content).toMatch(/^amg1:/);
    expect(events.at(-1)?.response.usage.output_tokens_details).toEqual({ reasoning_tokens: 9 });

    const next = parseResponsesRequest({
      model: 'm',
      input: [{ role: 'user', content: 'weather?' }, ...(events.at(-1)?.response.output ?? [])],
    });
    expect(next.messages[1]?.content).toEqual([
      { type: 'thinking', text: 'The user wants the weather.', signature: 'EqQBCkgIARAB' },
      {
        type: 'tool_call',
        id: 'toolu_1',
        name: 'get_weather',
        arguments: '{"city":"Paris"}',
        path: 'input[2].arguments',
      },
    ]);
  });

  it('streams redacted thinking as a reasoning item with an empty summary', () => {
    const events = encode([
      START,
      { type: 'block_start', index: 0, block: { type: 'redacted_thinking', data: 'EmwKAhgB' } },
      { type: 'block_stop', index: 0 },
      { type: 'finish', stopReason: 'end_turn', usage: USAGE },
    ]);
    expect(types(events).slice(2)).toEqual([
      'response.output_item.added',
      'response.output_item.done',
      'response.completed',
    ]);
    expect(events[3]?.item).toMatchObject({ type: 'reasoning', summary: [] });
    expect(parseResponsesRequest({ model: 'm', input: [events[3]?.item] }).messages[0]?.content).toEqual([
      { type: 'redacted_thinking', data: 'EmwKAhgB' },
    ]);
  });

  it('ends with response.incomplete and marks the cut item incomplete when the output limit is hit', () => {
    const events = encode([
      START,
      { type: 'block_start', index: 0, block: { type: 'text' } },
      { type: 'text_delta', index: 0, text: 'Once upon a' },
      { type: 'block_stop', index: 0 },
      { type: 'finish', stopReason: 'max_tokens', usage: USAGE },
    ]);
    const last = events.at(-1);
    expect(last?.type).toBe('response.incomplete');
    expect(last?.response).toMatchObject({ status: 'incomplete', incomplete_details: { reason: 'max_output_tokens' } });
    expect(events.find((event) => event.type === 'response.output_item.done')?.item.status).toBe('incomplete');
  });

  it('ends with response.incomplete for content_filter and refusal', () => {
    for (const stopReason of ['content_filter', 'refusal'] as const) {
      const events = encode([START, { type: 'finish', stopReason, usage: USAGE }]);
      expect(events.at(-1)).toMatchObject({
        type: 'response.incomplete',
        response: { status: 'incomplete', incomplete_details: { reason: 'content_filter' } },
      });
    }
  });

  it('closes blocks the upstream left open when it finishes', () => {
    const events = encode([
      START,
      { type: 'block_start', index: 0, block: { type: 'text' } },
      { type: 'text_delta', index: 0, text: 'partial' },
      { type: 'finish', stopReason: 'end_turn', usage: USAGE },
    ]);
    expect(types(events).slice(-4)).toEqual([
      'response.output_text.done',
      'response.content_part.done',
      'response.output_item.done',
      'response.completed',
    ]);
  });

  it('sends the error event, then response.failed, then nothing more', () => {
    const encoder = new ResponsesStreamEncoder(testContext({ model: 'alias', input: 'hi', stream: true }));
    const text = [
      START,
      { type: 'block_start', index: 0, block: { type: 'text' } },
      { type: 'text_delta', index: 0, text: 'Hel' },
      { type: 'error', kind: 'overloaded', message: 'Overloaded' },
    ]
      .map((event) => encoder.encode(event as IrStreamEvent))
      .join('');
    const events = parseSseEvents(text).map((sse) => JSON.parse(sse.data) as Event);
    expect(events.at(-2)).toEqual({
      type: 'error',
      sequence_number: 5,
      code: 'server_error',
      message: 'Overloaded',
      param: null,
      error: { type: 'server_error', code: 'server_error', message: 'Overloaded', param: null },
    });
    expect(events.at(-1)?.type).toBe('response.failed');
    expect(events.at(-1)?.response).toMatchObject({
      status: 'failed',
      error: { code: 'server_error', message: 'Overloaded' },
      output: [{ id: 'msg_1', status: 'in_progress', content: [{ type: 'output_text', text: 'Hel' }] }],
    });
    expect(encoder.encode({ type: 'finish', stopReason: 'end_turn', usage: USAGE })).toBe('');
  });

  it('maps a rate limit to the rate_limit_exceeded code', () => {
    const events = encode([START, { type: 'error', kind: 'rate_limit', message: 'slow down' }]);
    expect(events.at(-2)).toMatchObject({ code: 'rate_limit_exceeded', error: { type: 'rate_limit_error' } });
  });

  it('still opens with response.created when the upstream fails before starting', () => {
    const events = encode([{ type: 'error', kind: 'upstream', message: 'stream ended without finishing' }]);
    expect(types(events)).toEqual(['response.created', 'response.in_progress', 'error', 'response.failed']);
    expect(events[0]?.response.model).toBe('alias');
  });
});
