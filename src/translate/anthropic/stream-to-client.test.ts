import { describe, expect, it } from 'vitest';
import type { IrStreamEvent } from '../ir/types.js';
import { readBack, testContext } from './fixtures/load-fixture.js';
import { anthropicStreamEncoder } from './stream-to-client.js';

function encodeAll(events: IrStreamEvent[]): string {
  const encoder = anthropicStreamEncoder(testContext());
  return events.map((event) => encoder.encode(event)).join('');
}

const finish: IrStreamEvent = {
  type: 'finish',
  stopReason: 'tool_use',
  usage: { inputTokens: 120, outputTokens: 40, cacheReadTokens: 100, cacheWriteTokens: 0 },
};

describe('Anthropic stream encoder', () => {
  it('writes a valid message_start before usage is known and the full totals, cache excluded, in message_delta', () => {
    const out = readBack(
      encodeAll([
        { type: 'start', id: 'chatcmpl-9', model: 'gpt-4o' },
        { type: 'block_start', index: 0, block: { type: 'text' } },
        { type: 'text_delta', index: 0, text: 'Hi' },
        { type: 'block_stop', index: 0 },
        { ...finish, stopReason: 'end_turn' },
      ]),
    );
    expect(out.map((e) => e.event)).toEqual([
      'message_start',
      'content_block_start',
      'content_block_delta',
      'content_block_stop',
      'message_delta',
      'message_stop',
    ]);
    expect(out[0]?.data).toEqual({
      type: 'message_start',
      message: {
        id: 'chatcmpl-9',
        type: 'message',
        role: 'assistant',
        model: 'gpt-4o',
        content: [],
        stop_reason: null,
        stop_sequence: null,
        usage: { input_tokens: 0, cache_creation_input_tokens: 0, cache_read_input_tokens: 0, output_tokens: 0 },
      },
    });
    expect(out[4]?.data).toEqual({
      type: 'message_delta',
      delta: { stop_reason: 'end_turn', stop_sequence: null },
      usage: { input_tokens: 20, cache_creation_input_tokens: 0, cache_read_input_tokens: 100, output_tokens: 40 },
    });
  });

  it('holds an interleaved second tool call until the first one closes, numbering blocks sequentially', () => {
    const encoder = anthropicStreamEncoder(testContext());
    const written: string[] = [];
    const send = (event: IrStreamEvent) => written.push(encoder.encode(event));
    send({ type: 'start', id: 'chatcmpl-1', model: 'gpt-4o' });
    send({ type: 'block_start', index: 0, block: { type: 'tool_call', id: 'call_a', name: 'get_weather' } });
    send({ type: 'tool_args_delta', index: 0, json: '{"city":' });
    send({ type: 'block_start', index: 1, block: { type: 'tool_call', id: 'call_b', name: 'get_time' } });
    send({ type: 'tool_args_delta', index: 1, json: '{"tz":"CET"}' });
    send({ type: 'tool_args_delta', index: 0, json: '"Paris"}' });
    send({ type: 'block_stop', index: 1 });
    expect(written.slice(3)).toEqual(['', '', expect.stringContaining('"Paris\\"}"'), '']);
    send({ type: 'block_stop', index: 0 });
    send(finish);
    const out = readBack(written.join(''));
    const blocks = out.filter((e) => e.event?.startsWith('content_block'));
    expect(blocks.map((e) => [e.event, e.data.index])).toEqual([
      ['content_block_start', 0],
      ['content_block_delta', 0],
      ['content_block_delta', 0],
      ['content_block_stop', 0],
      ['content_block_start', 1],
      ['content_block_delta', 1],
      ['content_block_stop', 1],
    ]);
    expect(blocks[4]?.data.content_block).toEqual({ type: 'tool_use', id: 'call_b', name: 'get_time', input: {} });
  });

  it('wraps tool arguments that are not a JSON object as {"_raw": ...} at the end of the block', () => {
    const out = readBack(
      encodeAll([
        { type: 'start', id: 'c', model: 'm' },
        { type: 'block_start', index: 0, block: { type: 'tool_call', id: 'call_1', name: 'echo' } },
        { type: 'tool_args_delta', index: 0, json: 'not ' },
        { type: 'tool_args_delta', index: 0, json: 'json' },
        { type: 'block_stop', index: 0 },
        finish,
      ]),
    );
    const deltas = out.filter((e) => e.event === 'content_block_delta');
    expect(deltas.map((e) => e.data.delta)).toEqual([
      { type: 'input_json_delta', partial_json: '{"_raw":"not json"}' },
    ]);
  });

  it('opens thinking without a signature (OpenAI reasoning) and never sends empty deltas', () => {
    const out = readBack(
      encodeAll([
        { type: 'start', id: 'c', model: 'deepseek-reasoner' },
        { type: 'block_start', index: 0, block: { type: 'thinking' } },
        { type: 'thinking_delta', index: 0, text: '' },
        { type: 'thinking_delta', index: 0, text: 'hmm' },
        { type: 'block_stop', index: 0 },
        { type: 'block_start', index: 1, block: { type: 'text' } },
        { type: 'text_delta', index: 1, text: '' },
        { type: 'block_stop', index: 1 },
        { ...finish, stopReason: 'end_turn' },
      ]),
    );
    expect(out[1]?.data.content_block).toEqual({ type: 'thinking', thinking: '', signature: '' });
    expect(out.filter((e) => e.event === 'content_block_delta').map((e) => e.data.delta)).toEqual([
      { type: 'thinking_delta', thinking: 'hmm' },
    ]);
  });

  it('starts the message itself when the first event is not start, and closes blocks left open at finish', () => {
    const out = readBack(
      encodeAll([
        { type: 'block_start', index: 0, block: { type: 'text' } },
        { type: 'text_delta', index: 0, text: 'x' },
        {
          type: 'finish',
          stopReason: 'max_tokens',
          usage: { inputTokens: 5, outputTokens: 1, cacheReadTokens: 0, cacheWriteTokens: 0 },
        },
      ]),
    );
    expect(out[0]?.data.message).toMatchObject({ id: 'msg_gen1', model: 'gpt-test' });
    expect(out.map((e) => e.event)).toEqual([
      'message_start',
      'content_block_start',
      'content_block_delta',
      'content_block_stop',
      'message_delta',
      'message_stop',
    ]);
    expect(out[4]?.data.delta).toEqual({ stop_reason: 'max_tokens', stop_sequence: null });
  });

  it.each([
    ['overloaded', 'overloaded_error'],
    ['rate_limit', 'rate_limit_error'],
    ['upstream', 'api_error'],
    ['timeout', 'timeout_error'],
  ] as const)('writes an error event of type %s -> %s and nothing afterwards', (kind, type) => {
    const encoder = anthropicStreamEncoder(testContext());
    encoder.encode({ type: 'start', id: 'c', model: 'm' });
    const text = encoder.encode({ type: 'error', kind, message: 'boom' });
    expect(text.startsWith('event: error\n')).toBe(true);
    expect(readBack(text)[0]?.data).toEqual({ type: 'error', error: { type, message: 'boom' } });
    expect(encoder.encode(finish)).toBe('');
  });

  it.each([
    ['content_filter', 'refusal'],
    ['refusal', 'refusal'],
    ['pause_turn', 'pause_turn'],
    ['stop_sequence', 'stop_sequence'],
  ] as const)('maps the IR stop reason %s to %s', (ir, anthropic) => {
    const out = readBack(
      encodeAll([
        { type: 'start', id: 'c', model: 'm' },
        { ...finish, stopReason: ir, stopSequence: 'END' },
      ]),
    );
    expect(out.find((e) => e.event === 'message_delta')?.data.delta).toEqual({
      stop_reason: anthropic,
      stop_sequence: 'END',
    });
  });
});

describe('Anthropic stream encoder deltas', () => {
  it('writes each delta exactly as serialising the event would, whatever the text holds', () => {
    const tricky = 'quote " backslash \\ newline \n tab \t control \u0001 unicode é 世界 🦊 </script>';
    const out = encodeAll([
      { type: 'start', id: 'msg_1', model: 'm' },
      { type: 'block_start', index: 0, block: { type: 'thinking' } },
      { type: 'thinking_delta', index: 0, text: tricky },
      { type: 'block_stop', index: 0 },
      { type: 'block_start', index: 1, block: { type: 'text' } },
      { type: 'text_delta', index: 1, text: tricky },
      { type: 'block_stop', index: 1 },
      { type: 'block_start', index: 2, block: { type: 'tool_call', id: 'toolu_1', name: 'f' } },
      { type: 'tool_args_delta', index: 2, json: '{"q": "a \\"b\\""}' },
      { type: 'block_stop', index: 2 },
    ]);
    const deltas = out.split('\n\n').filter((event) => event.startsWith('event: content_block_delta\n'));
    const expected = [
      { type: 'content_block_delta', index: 0, delta: { type: 'thinking_delta', thinking: tricky } },
      { type: 'content_block_delta', index: 1, delta: { type: 'text_delta', text: tricky } },
      {
        type: 'content_block_delta',
        index: 2,
        delta: { type: 'input_json_delta', partial_json: '{"q": "a \\"b\\""}' },
      },
    ];
    expect(deltas).toEqual(expected.map((event) => `event: content_block_delta\ndata: ${JSON.stringify(event)}`));
  });

  it('writes a text delta the decoder copied from the upstream as it arrived, escapes and all', () => {
    const out = encodeAll([
      { type: 'start', id: 'chatcmpl-9', model: 'gpt-4o' },
      { type: 'block_start', index: 0, block: { type: 'text' } },
      { type: 'text_delta', index: 0, text: 'café', quoted: '"caf\\u00e9"' },
      { type: 'text_delta', index: 0, text: '"hi"\n' },
    ]);
    expect(out).toContain('"delta":{"type":"text_delta","text":"caf\\u00e9"}}\n\n');
    expect(
      readBack(out)
        .filter((event) => event.event === 'content_block_delta')
        .map((event) => event.data),
    ).toEqual([
      { type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: 'café' } },
      { type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: '"hi"\n' } },
    ]);
  });
});
