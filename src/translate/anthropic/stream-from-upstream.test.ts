import { describe, expect, it } from 'vitest';
import type { SseEvent } from '../../upstream/sse-parse.js';
import type { IrStreamEvent } from '../ir/types.js';
import { fixtureEvents } from './fixtures/load-fixture.js';
import { anthropicStreamDecoder } from './stream-from-upstream.js';

function decodeAll(events: SseEvent[]): IrStreamEvent[] {
  const decoder = anthropicStreamDecoder();
  return [...events.flatMap((event) => decoder.decode(event)), ...decoder.end()];
}

function textOf(events: IrStreamEvent[], index: number): string {
  return events.map((e) => (e.type === 'text_delta' && e.index === index ? e.text : '')).join('');
}

function argsOf(events: IrStreamEvent[], index: number): string {
  return events.map((e) => (e.type === 'tool_args_delta' && e.index === index ? e.json : '')).join('');
}

describe('Anthropic stream decoder', () => {
  it('decodes the documented text stream, ignoring ping, with usage from message_start and message_delta', () => {
    expect(decodeAll(fixtureEvents('text-stream.sse'))).toEqual([
      {
        type: 'start',
        id: 'msg_1nZdL29xx5MUA1yADyHTEsnR8uuvGzszyY',
        model: 'claude-opus-4-6',
        usage: { inputTokens: 25, outputTokens: 1, cacheReadTokens: 0, cacheWriteTokens: 0 },
      },
      { type: 'block_start', index: 0, block: { type: 'text' } },
      { type: 'text_delta', index: 0, text: 'Hello' },
      { type: 'text_delta', index: 0, text: '!' },
      { type: 'block_stop', index: 0 },
      {
        type: 'finish',
        stopReason: 'end_turn',
        stopSequence: undefined,
        usage: { inputTokens: 25, outputTokens: 15, cacheReadTokens: 0, cacheWriteTokens: 0 },
      },
    ]);
  });

  it('reassembles tool arguments split across many input_json_delta events and skips the empty one', () => {
    const events = decodeAll(fixtureEvents('tool-use-stream.sse'));
    expect(events).toContainEqual({
      type: 'block_start',
      index: 1,
      block: { type: 'tool_call', id: 'toolu_01T1x1fJ34qAmk2tNTrN7Up6', name: 'get_weather' },
    });
    expect(JSON.parse(argsOf(events, 1))).toEqual({ location: 'San Francisco, CA', unit: 'fahrenheit' });
    expect(events.filter((e) => e.type === 'tool_args_delta' && e.json === '')).toEqual([]);
    expect(textOf(events, 0)).toBe("Okay, let's check the weather for San Francisco, CA:");
    expect(events.at(-1)).toMatchObject({ type: 'finish', stopReason: 'tool_use', usage: { outputTokens: 89 } });
  });

  it('gives a tool_use block whose input never arrives `{}` as its arguments, as the non-streamed input reads', () => {
    const events = decodeAll([
      { event: 'message_start', data: '{"type":"message_start","message":{"id":"m","model":"c"}}' },
      {
        event: 'content_block_start',
        data: '{"type":"content_block_start","index":0,"content_block":{"type":"tool_use","id":"toolu_1","name":"get_time","input":{}}}',
      },
      {
        event: 'content_block_delta',
        data: '{"type":"content_block_delta","index":0,"delta":{"type":"input_json_delta","partial_json":""}}',
      },
      { event: 'content_block_stop', data: '{"type":"content_block_stop","index":0}' },
      { event: 'message_stop', data: '{"type":"message_stop"}' },
    ]);
    expect(events.slice(1, 4)).toEqual([
      { type: 'block_start', index: 0, block: { type: 'tool_call', id: 'toolu_1', name: 'get_time' } },
      { type: 'tool_args_delta', index: 0, json: '{}' },
      { type: 'block_stop', index: 0 },
    ]);
  });

  it('passes thinking and its signature through, then a tool call, with cumulative usage from message_delta', () => {
    const events = decodeAll(fixtureEvents('thinking-tool-stream.sse'));
    expect(events.slice(0, 2)).toMatchObject([
      { type: 'start', id: 'msg_01WBeG2NaYQ8w99747S3n8MZ' },
      { type: 'block_start', index: 0, block: { type: 'thinking' } },
    ]);
    const thinking = events.map((e) => (e.type === 'thinking_delta' ? e.text : '')).join('');
    expect(thinking).toBe(
      'The user is asking for weather information for Florence, Italy. I have a weather tool available.',
    );
    expect(events.filter((e) => e.type === 'signature_delta')).toEqual([
      { type: 'signature_delta', index: 0, signature: 'EtcCCkYIBRgCKkDvmVQ2vPYg5BSsig1pjHkfPQ' },
    ]);
    expect(JSON.parse(argsOf(events, 1))).toEqual({ location: 'Florence, Italy' });
    expect(events.at(-1)).toEqual({
      type: 'finish',
      stopReason: 'tool_use',
      stopSequence: undefined,
      usage: { inputTokens: 423, outputTokens: 131, cacheReadTokens: 0, cacheWriteTokens: 0 },
    });
  });

  it('reads a stream whose message_start and message_delta carry no usage as zero usage, not a failure', () => {
    const events = decodeAll(fixtureEvents('thinking-stream.sse'));
    expect(events.filter((e) => e.type === 'signature_delta')).toHaveLength(1);
    expect(textOf(events, 1)).toBe('The greatest common divisor of 1071 and 462 is **21**.');
    expect(events.at(-1)).toMatchObject({ type: 'finish', stopReason: 'end_turn', usage: { inputTokens: 0 } });
  });

  it('opens a redacted_thinking block carrying its data', () => {
    const events = decodeAll(fixtureEvents('redacted-thinking-stream.sse'));
    expect(events[1]).toEqual({
      type: 'block_start',
      index: 0,
      block: { type: 'redacted_thinking', data: 'EmwKAhgBEgy3va3pzix/LafPsn4aDFIT2Xlxh0L5L8rLVyIwxtE3rAFBa8cr3qpP' },
    });
    expect(events[2]).toEqual({ type: 'block_stop', index: 0 });
  });

  it('adds cache reads and writes to the input total and keeps the stop sequence', () => {
    const events = decodeAll(fixtureEvents('cached-usage-stream.sse'));
    expect(events[0]).toMatchObject({
      type: 'start',
      usage: { inputTokens: 2360, cacheReadTokens: 2048, cacheWriteTokens: 300 },
    });
    expect(events.at(-1)).toEqual({
      type: 'finish',
      stopReason: 'stop_sequence',
      stopSequence: '\n\n',
      usage: { inputTokens: 2360, outputTokens: 57, cacheReadTokens: 2048, cacheWriteTokens: 300 },
    });
  });

  it('ends with an overloaded error on the documented error event and reports nothing after it', () => {
    const events = decodeAll(fixtureEvents('error-stream.sse'));
    expect(events.at(-1)).toEqual({ type: 'error', kind: 'overloaded', message: 'Overloaded' });
    expect(events.filter((e) => e.type === 'finish' || e.type === 'error')).toHaveLength(1);
  });

  it('emits an error when the body ends before message_stop', () => {
    const events = decodeAll(fixtureEvents('truncated-stream.sse'));
    expect(events.at(-1)).toMatchObject({ type: 'error', kind: 'upstream' });
    expect(events.some((e) => e.type === 'finish')).toBe(false);
  });

  it('treats a malformed event as a failed stream', () => {
    const decoder = anthropicStreamDecoder();
    expect(decoder.decode({ event: 'content_block_delta', data: '{"type":' })).toMatchObject([
      { type: 'error', kind: 'upstream' },
    ]);
    expect(decoder.end()).toEqual([]);
  });

  it('skips blocks it never asked for (server tools) with their deltas, keeping IR indexes dense', () => {
    const events = decodeAll([
      {
        event: 'message_start',
        data: '{"type":"message_start","message":{"id":"m","model":"c","usage":{"input_tokens":1,"output_tokens":1}}}',
      },
      {
        event: 'content_block_start',
        data: '{"type":"content_block_start","index":0,"content_block":{"type":"server_tool_use","id":"srvtoolu_1","name":"web_search","input":{}}}',
      },
      {
        event: 'content_block_delta',
        data: '{"type":"content_block_delta","index":0,"delta":{"type":"input_json_delta","partial_json":"{\\"q\\":1}"}}',
      },
      { event: 'content_block_stop', data: '{"type":"content_block_stop","index":0}' },
      {
        event: 'content_block_start',
        data: '{"type":"content_block_start","index":1,"content_block":{"type":"text","text":"Hi"}}',
      },
      { event: 'content_block_stop', data: '{"type":"content_block_stop","index":1}' },
      { event: 'message_stop', data: '{"type":"message_stop"}' },
    ]);
    expect(events.slice(1, 4)).toEqual([
      { type: 'block_start', index: 0, block: { type: 'text' } },
      { type: 'text_delta', index: 0, text: 'Hi' },
      { type: 'block_stop', index: 0 },
    ]);
  });

  it.each([
    ['end_turn', 'end_turn'],
    ['max_tokens', 'max_tokens'],
    ['stop_sequence', 'stop_sequence'],
    ['tool_use', 'tool_use'],
    ['pause_turn', 'pause_turn'],
    ['refusal', 'refusal'],
    ['model_context_window_exceeded', 'model_context_window_exceeded'],
  ])('maps stop_reason %s to %s', (anthropic, ir) => {
    const decoder = anthropicStreamDecoder();
    decoder.decode({ event: 'message_start', data: '{"type":"message_start","message":{"id":"m","model":"c"}}' });
    decoder.decode({
      event: 'message_delta',
      data: `{"type":"message_delta","delta":{"stop_reason":"${anthropic}"},"usage":{"output_tokens":3}}`,
    });
    expect(decoder.decode({ event: 'message_stop', data: '{"type":"message_stop"}' })).toMatchObject([
      { type: 'finish', stopReason: ir, usage: { outputTokens: 3 } },
    ]);
  });
});

describe('Anthropic stream decoder text fast path', () => {
  const frame = (type: string, payload: object): SseEvent => ({
    event: type,
    data: JSON.stringify({ type, ...payload }),
  });
  const spaced = (event: SseEvent): SseEvent => ({ ...event, data: JSON.stringify(JSON.parse(event.data), null, 1) });
  const textDelta = (index: number, text: string) =>
    frame('content_block_delta', { index, delta: { type: 'text_delta', text } });
  const stream = (...middle: SseEvent[]) => [
    frame('message_start', { message: { id: 'm', model: 'c', usage: { input_tokens: 1, output_tokens: 1 } } }),
    frame('content_block_start', { index: 0, content_block: { type: 'text', text: '' } }),
    frame('ping', {}),
    ...middle,
    frame('content_block_stop', { index: 0 }),
    frame('message_delta', { delta: { stop_reason: 'end_turn' }, usage: { output_tokens: 2 } }),
    frame('message_stop', {}),
  ];
  const withoutQuoted = (events: IrStreamEvent[]) =>
    events.map((event) => (event.type === 'text_delta' ? { ...event, quoted: undefined } : event));
  const quotedOf = (events: IrStreamEvent[]) => events.flatMap((e) => (e.type === 'text_delta' ? [e.quoted] : []));

  it.each(['plain', 'a "quote" and a \\ backslash', 'new\nline\u0000\u001f', 'é 日本語 🎉 \u2028'])(
    'copies %j as sent and decodes the same events as the parsed path, fixed-form ping and stops included',
    (text) => {
      const events = stream(textDelta(0, text));
      const fast = decodeAll(events);
      expect(quotedOf(fast)).toEqual([JSON.stringify(text)]);
      expect(withoutQuoted(fast)).toEqual(decodeAll(events.map(spaced)));
      expect(textOf(fast, 0)).toBe(text);
      expect(fast.slice(-2)).toEqual([
        { type: 'block_stop', index: 0 },
        {
          type: 'finish',
          stopReason: 'end_turn',
          usage: { inputTokens: 1, outputTokens: 2, cacheReadTokens: 0, cacheWriteTokens: 0 },
        },
      ]);
    },
  );

  it('reads other legal escapes, and ignores a delta for a block that never opened, as the parsed path does', () => {
    const raw = '{"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"caf\\u00e9 \\/"}}';
    const decoded = decodeAll(stream({ event: 'content_block_delta', data: raw }, textDelta(7, 'lost')));
    expect(decoded.filter((event) => event.type === 'text_delta')).toEqual([
      { type: 'text_delta', index: 0, text: 'café /', quoted: '"caf\\u00e9 \\/"' },
    ]);
  });

  it('fails on a raw control character, which JSON does not allow', () => {
    const raw = '{"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"a\tb"}}';
    expect(decodeAll(stream({ event: 'content_block_delta', data: raw })).at(-1)).toMatchObject({ type: 'error' });
  });

  it('skips an empty text delta and leaves any other delta shape to the parsed path', () => {
    const extra = frame('content_block_delta', { index: 0, delta: { type: 'text_delta', text: 'x', citations: [] } });
    const decoded = decodeAll(stream(textDelta(0, ''), extra));
    expect(decoded.filter((event) => event.type === 'text_delta')).toEqual([
      { type: 'text_delta', index: 0, text: 'x' },
    ]);
  });
});
