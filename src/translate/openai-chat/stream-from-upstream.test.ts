import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseSseEvents, type SseEvent } from '../../upstream/sse-parse.js';
import type { IrStreamEvent } from '../ir/types.js';
import { ChatStreamDecoder } from './stream-from-upstream.js';

function fixture(name: string): SseEvent[] {
  return parseSseEvents(readFileSync(new URL(`./fixtures/${name}`, import.meta.url), 'utf8'));
}

function decodeAll(events: SseEvent[]): IrStreamEvent[] {
  const decoder = new ChatStreamDecoder();
  return [...events.flatMap((event) => decoder.decode(event)), ...decoder.end()];
}

const data = (payload: unknown): SseEvent => ({ event: undefined, data: JSON.stringify(payload) });
const chunk = (delta: Record<string, unknown>, finishReason: string | null = null, extra: object = {}) =>
  data({
    id: 'c1',
    object: 'chat.completion.chunk',
    model: 'm',
    choices: [{ index: 0, delta, finish_reason: finishReason }],
    ...extra,
  });
const DONE: SseEvent = { event: undefined, data: '[DONE]' };
const zero = { inputTokens: 0, outputTokens: 0, cacheReadTokens: 0, cacheWriteTokens: 0 };

describe('ChatStreamDecoder', () => {
  it('decodes an OpenAI text stream and finishes with the usage from the chunk after the finish_reason', () => {
    expect(decodeAll(fixture('openai-text-usage.sse'))).toEqual([
      { type: 'start', id: 'chatcmpl-B9MBs8CjcvOU2jLn4n570S5qMJKcT', model: 'gpt-4o-2024-08-06' },
      { type: 'block_start', index: 0, block: { type: 'text' } },
      { type: 'text_delta', index: 0, text: 'Hello', quoted: '"Hello"' },
      { type: 'text_delta', index: 0, text: '!', quoted: '"!"' },
      { type: 'text_delta', index: 0, text: ' How can I help?', quoted: '" How can I help?"' },
      { type: 'block_stop', index: 0 },
      {
        type: 'finish',
        stopReason: 'end_turn',
        usage: { inputTokens: 1117, outputTokens: 9, cacheReadTokens: 1024, cacheWriteTokens: 0, reasoningTokens: 0 },
      },
    ]);
  });

  it('emits each event as it arrives and holds the finish until the usage chunk', () => {
    const events = fixture('openai-text-usage.sse');
    const decoder = new ChatStreamDecoder();
    const outputs = events.map((event) => decoder.decode(event));
    expect(outputs[1]).toEqual([
      { type: 'block_start', index: 0, block: { type: 'text' } },
      { type: 'text_delta', index: 0, text: 'Hello', quoted: '"Hello"' },
    ]);
    expect(outputs[4]).toEqual([{ type: 'block_stop', index: 0 }]);
    expect(outputs[5]?.map((event) => event.type)).toEqual(['finish']);
    expect(outputs[6]).toEqual([]);
    expect(decoder.end()).toEqual([]);
  });

  it('decodes parallel tool calls whose arguments arrive in many pieces', () => {
    const events = decodeAll(fixture('openai-parallel-tools.sse'));
    expect(events).toEqual([
      { type: 'start', id: 'chatcmpl-BQb0iSFzE1zz1OVhaqg3u2Yqn1Ezf', model: 'gpt-4.1-nano-2025-04-14' },
      {
        type: 'block_start',
        index: 0,
        block: { type: 'tool_call', id: 'call_PieqNSej6kM9hgYbcQdbZSaC', name: 'get_weather' },
      },
      { type: 'tool_args_delta', index: 0, json: '{"lo' },
      { type: 'tool_args_delta', index: 0, json: 'cation": "Par' },
      { type: 'tool_args_delta', index: 0, json: 'is, France"}' },
      {
        type: 'block_start',
        index: 1,
        block: { type: 'tool_call', id: 'call_Kx2lsE0f3bQvOBu9ra7rYrXc', name: 'get_weather' },
      },
      { type: 'tool_args_delta', index: 1, json: '{"location"' },
      { type: 'tool_args_delta', index: 1, json: ': "Rome, Italy"}' },
      { type: 'block_stop', index: 0 },
      { type: 'block_stop', index: 1 },
      {
        type: 'finish',
        stopReason: 'tool_use',
        usage: { inputTokens: 82, outputTokens: 51, cacheReadTokens: 0, cacheWriteTokens: 0, reasoningTokens: 0 },
      },
    ]);
  });

  it('decodes DeepSeek reasoning_content as a thinking block before the text, with usage in the finish chunk', () => {
    expect(decodeAll(fixture('deepseek-reasoning.sse'))).toEqual([
      { type: 'start', id: '43a31dda-92f6-4cdf-a333-bb399599a824', model: 'deepseek-reasoner' },
      { type: 'block_start', index: 0, block: { type: 'thinking' } },
      { type: 'thinking_delta', index: 0, text: 'Okay' },
      { type: 'thinking_delta', index: 0, text: ', the user said hello.' },
      { type: 'block_stop', index: 0 },
      { type: 'block_start', index: 1, block: { type: 'text' } },
      { type: 'text_delta', index: 1, text: 'Hello!' },
      { type: 'block_stop', index: 1 },
      {
        type: 'finish',
        stopReason: 'end_turn',
        usage: { inputTokens: 6, outputTokens: 92, cacheReadTokens: 0, cacheWriteTokens: 0, reasoningTokens: 81 },
      },
    ]);
  });

  it('decodes OpenRouter reasoning, then text, then a tool call whose later deltas repeat type but not id', () => {
    expect(decodeAll(fixture('openrouter-reasoning-tool.sse'))).toEqual([
      { type: 'start', id: 'gen-1744904540-VZLvtu6RlY1rRAx4Zx5K', model: 'anthropic/claude-3.7-sonnet:thinking' },
      { type: 'block_start', index: 0, block: { type: 'thinking' } },
      { type: 'thinking_delta', index: 0, text: 'The user wants the weather.' },
      { type: 'thinking_delta', index: 0, text: ' I will call get_weather.' },
      { type: 'block_stop', index: 0 },
      { type: 'block_start', index: 1, block: { type: 'text' } },
      { type: 'text_delta', index: 1, text: 'Let me check.' },
      { type: 'block_stop', index: 1 },
      { type: 'block_start', index: 2, block: { type: 'tool_call', id: 'toolu_01AbCdEfGh', name: 'get_weather' } },
      { type: 'tool_args_delta', index: 2, json: '{"city": ' },
      { type: 'tool_args_delta', index: 2, json: '"Oslo"}' },
      { type: 'block_stop', index: 2 },
      {
        type: 'finish',
        stopReason: 'tool_use',
        usage: { inputTokens: 412, outputTokens: 96, cacheReadTokens: 256, cacheWriteTokens: 0, reasoningTokens: 40 },
      },
    ]);
  });

  it('tells apart parallel calls that share index 0 by their ids and finishes without [DONE]', () => {
    const events = decodeAll(fixture('ollama-parallel-no-done.sse'));
    expect(events).toEqual([
      { type: 'start', id: 'chatcmpl-412', model: 'qwen3:8b' },
      { type: 'block_start', index: 0, block: { type: 'tool_call', id: 'call_a1b2c3d4', name: 'get_weather' } },
      { type: 'tool_args_delta', index: 0, json: '{"city":"Tokyo"}' },
      { type: 'block_start', index: 1, block: { type: 'tool_call', id: 'call_e5f6g7h8', name: 'get_time' } },
      { type: 'tool_args_delta', index: 1, json: '{"zone":"JST"}' },
      { type: 'block_stop', index: 0 },
      { type: 'block_stop', index: 1 },
      {
        type: 'finish',
        stopReason: 'tool_use',
        usage: { inputTokens: 210, outputTokens: 44, cacheReadTokens: 0, cacheWriteTokens: 0 },
      },
    ]);
  });

  it('ignores pings, comments-only events and empty deltas, which never open a block', () => {
    const events = decodeAll([
      { event: 'ping', data: '{}' },
      chunk({ role: 'assistant', content: '' }),
      chunk({ content: null, reasoning_content: null, tool_calls: [] }),
      { event: undefined, data: '' },
      chunk({ content: 'Hi' }),
      chunk({}, 'stop'),
      DONE,
    ]);
    expect(events).toEqual([
      { type: 'start', id: 'c1', model: 'm' },
      { type: 'block_start', index: 0, block: { type: 'text' } },
      { type: 'text_delta', index: 0, text: 'Hi', quoted: '"Hi"' },
      { type: 'block_stop', index: 0 },
      { type: 'finish', stopReason: 'end_turn', usage: zero },
    ]);
  });

  it('waits for a chunk with a choice before starting (Azure opens with content-filter results)', () => {
    const events = decodeAll([
      data({ id: '', object: '', model: '', choices: [], prompt_filter_results: [{ prompt_index: 0 }] }),
      chunk({ role: 'assistant', content: 'Hi' }),
      chunk({}, 'stop'),
      DONE,
    ]);
    expect(events[0]).toEqual({ type: 'start', id: 'c1', model: 'm' });
  });

  it.each([
    ['stop', 'end_turn'],
    ['length', 'max_tokens'],
    // A tool-call finish on an answer that called nothing (a failed tool-call parser) ends the turn.
    ['tool_calls', 'end_turn'],
    ['function_call', 'end_turn'],
    ['content_filter', 'content_filter'],
    ['eos', 'end_turn'],
  ])('maps finish_reason %s on a text answer to %s', (finishReason, stopReason) => {
    const events = decodeAll([chunk({ content: 'x' }), chunk({}, finishReason), DONE]);
    expect(events.at(-1)).toMatchObject({ type: 'finish', stopReason });
  });

  it('ends with an overloaded error, not a finish, when DeepSeek cuts the answer short for lack of capacity', () => {
    const events = decodeAll([chunk({ content: 'partial' }), chunk({}, 'insufficient_system_resource'), DONE]);
    expect(events.slice(-2)).toEqual([
      { type: 'block_stop', index: 0 },
      { type: 'error', kind: 'overloaded', message: expect.stringContaining('insufficient_system_resource') },
    ]);
    expect(events.some((event) => event.type === 'finish')).toBe(false);
  });

  it("reads vLLM's matched stop string as a stop sequence", () => {
    const finish = { index: 0, delta: {}, finish_reason: 'stop', stop_reason: '###' };
    const events = decodeAll([chunk({ content: 'x' }), data({ id: 'c1', model: 'm', choices: [finish] }), DONE]);
    expect(events.at(-1)).toMatchObject({ type: 'finish', stopReason: 'stop_sequence', stopSequence: '###' });
  });

  it('decodes a refusal as text with stop reason refusal', () => {
    const events = decodeAll([
      chunk({ role: 'assistant', refusal: "I'm sorry, " }),
      chunk({ refusal: 'I cannot help.' }),
      chunk({}, 'stop'),
      DONE,
    ]);
    expect(events).toEqual([
      { type: 'start', id: 'c1', model: 'm' },
      { type: 'block_start', index: 0, block: { type: 'text' } },
      { type: 'text_delta', index: 0, text: "I'm sorry, " },
      { type: 'text_delta', index: 0, text: 'I cannot help.' },
      { type: 'block_stop', index: 0 },
      { type: 'finish', stopReason: 'refusal', usage: zero },
    ]);
  });

  it('turns an error event mid-stream into an IR error and ignores what follows', () => {
    const decoder = new ChatStreamDecoder();
    decoder.decode(chunk({ content: 'Hel' }));
    const error = data({
      error: { message: 'The server had an error', type: 'server_error', param: null, code: null },
    });
    expect(decoder.decode(error)).toEqual([{ type: 'error', kind: 'upstream', message: 'The server had an error' }]);
    expect(decoder.decode(chunk({ content: 'lo' }))).toEqual([]);
    expect(decoder.end()).toEqual([]);
  });

  it('reads the kind of a mid-stream error from its type or code', () => {
    const first = (payload: unknown) =>
      decodeAll([chunk({ content: 'a' }), data(payload)]).find((e) => e.type === 'error');
    expect(
      first({ error: { message: 'slow down', type: 'rate_limit_error', code: 'rate_limit_exceeded' } }),
    ).toMatchObject({ kind: 'rate_limit' });
    expect(first({ error: { message: 'busy', code: 503 } })).toMatchObject({ kind: 'overloaded' });
    expect(first({ error: 'model crashed' })).toEqual({ type: 'error', kind: 'upstream', message: 'model crashed' });
  });

  it('reports an error when the body ends with neither finish_reason nor [DONE]', () => {
    const events = decodeAll([chunk({ role: 'assistant', content: 'Hel' }), chunk({ content: 'lo' })]);
    expect(events.at(-1)).toEqual({
      type: 'error',
      kind: 'upstream',
      message: 'the upstream stream ended before the response finished',
    });
    expect(events.some((event) => event.type === 'finish')).toBe(false);
  });

  it('reports an error for an empty body and for data that is not JSON', () => {
    expect(decodeAll([])).toEqual([expect.objectContaining({ type: 'error', kind: 'upstream' })]);
    expect(decodeAll([DONE])).toEqual([expect.objectContaining({ type: 'error', kind: 'upstream' })]);
    const garbled = decodeAll([chunk({ content: 'a' }), { event: undefined, data: '{"choices": [' }]);
    expect(garbled.at(-1)).toMatchObject({ type: 'error', kind: 'upstream' });
  });

  it('reads tool calls that end with finish_reason stop (a named tool_choice, vLLM, Ollama) as tool use', () => {
    const call = { index: 0, id: 'call_1', type: 'function', function: { name: 'get_time', arguments: '{}' } };
    const events = decodeAll([chunk({ role: 'assistant', tool_calls: [call] }), chunk({}, 'stop'), DONE]);
    expect(events.at(-1)).toEqual({ type: 'finish', stopReason: 'tool_use', usage: zero });
  });

  it('opens a tool call once its name arrives, when a server sends the id and arguments before the name', () => {
    const events = decodeAll([
      chunk({
        role: 'assistant',
        tool_calls: [{ index: 0, id: 'call_1', type: 'function', function: { arguments: '{"ci' } }],
      }),
      chunk({ tool_calls: [{ index: 0, function: { name: 'get_weather', arguments: 'ty":"Oslo"}' } }] }),
      chunk({}, 'tool_calls'),
      DONE,
    ]);
    expect(events.slice(1, 4)).toEqual([
      { type: 'block_start', index: 0, block: { type: 'tool_call', id: 'call_1', name: 'get_weather' } },
      { type: 'tool_args_delta', index: 0, json: '{"city":"Oslo"}' },
      { type: 'block_stop', index: 0 },
    ]);
  });

  it('takes the name of a later delta when the first one announced the call with an empty name', () => {
    const events = decodeAll([
      chunk({ tool_calls: [{ index: 0, id: 'call_1', type: 'function', function: { name: '', arguments: '' } }] }),
      chunk({
        tool_calls: [{ index: 0, id: 'call_1', type: 'function', function: { name: 'bash', arguments: '{}' } }],
      }),
      chunk({}, 'tool_calls'),
      DONE,
    ]);
    expect(events.filter((event) => event.type === 'block_start' || event.type === 'tool_args_delta')).toEqual([
      { type: 'block_start', index: 0, block: { type: 'tool_call', id: 'call_1', name: 'bash' } },
      { type: 'tool_args_delta', index: 0, json: '{}' },
    ]);
  });

  it('still delivers a call whose name never arrives, rather than dropping its arguments', () => {
    const events = decodeAll([
      chunk({ tool_calls: [{ index: 0, id: 'call_1', function: { arguments: '{}' } }] }),
      chunk({}, 'tool_calls'),
      DONE,
    ]);
    expect(events.slice(1, 4)).toEqual([
      { type: 'block_start', index: 0, block: { type: 'tool_call', id: 'call_1', name: '' } },
      { type: 'tool_args_delta', index: 0, json: '{}' },
      { type: 'block_stop', index: 0 },
    ]);
  });

  it('gives a call that streamed no argument text `{}`, as a tool without parameters is called', () => {
    const call = { index: 0, id: 'call_1', type: 'function', function: { name: 'get_time', arguments: '' } };
    const events = decodeAll([chunk({ tool_calls: [call] }), chunk({}, 'tool_calls'), DONE]);
    expect(events.slice(1, 4)).toEqual([
      { type: 'block_start', index: 0, block: { type: 'tool_call', id: 'call_1', name: 'get_time' } },
      { type: 'tool_args_delta', index: 0, json: '{}' },
      { type: 'block_stop', index: 0 },
    ]);
  });

  it('gives `{}` to every argument-less call, also one whose index a later call reused (Ollama)', () => {
    const first = { index: 0, id: 'call_a', function: { name: 'get_time', arguments: '' } };
    const second = { index: 0, id: 'call_b', function: { name: 'get_date', arguments: '' } };
    const events = decodeAll([
      chunk({ tool_calls: [first] }),
      chunk({ tool_calls: [second] }),
      chunk({}, 'stop'),
      DONE,
    ]);
    expect(events.filter((event) => event.type === 'tool_args_delta')).toEqual([
      { type: 'tool_args_delta', index: 0, json: '{}' },
      { type: 'tool_args_delta', index: 1, json: '{}' },
    ]);
  });

  it('finishes at [DONE] without a finish_reason, inferring tool use from the calls it saw', () => {
    const call = { index: 0, id: 'call_9', type: 'function', function: { name: 'f', arguments: '{}' } };
    const events = decodeAll([chunk({ tool_calls: [call] }), DONE]);
    expect(events.slice(-2)).toEqual([
      { type: 'block_stop', index: 0 },
      { type: 'finish', stopReason: 'tool_use', usage: zero },
    ]);
  });
});

/** The events a stream decodes to with the text fast path's copies left out. */
const withoutQuoted = (events: IrStreamEvent[]) =>
  events.map((event) => (event.type === 'text_delta' ? { ...event, quoted: undefined } : event));
/** The same chunk written with spaces, a shape the fast path never takes, so it goes through JSON.parse. */
const spaced = (event: SseEvent): SseEvent =>
  event.data === '[DONE]' ? event : { ...event, data: JSON.stringify(JSON.parse(event.data), null, 1) };
const quotedOf = (events: IrStreamEvent[]) => events.flatMap((e) => (e.type === 'text_delta' ? [e.quoted] : []));

describe('ChatStreamDecoder text fast path', () => {
  const stream = (...middle: SseEvent[]) => [
    chunk({ role: 'assistant', content: '' }),
    ...middle,
    chunk({}, 'stop'),
    DONE,
  ];

  it.each([
    'plain words',
    'a "quote", a \\ backslash and a / slash',
    'new\nline, tab\t, carriage\r, nul\u0000, bell\u0007',
    'é 日本語 🎉 and line separators \u2028\u2029',
    '</script><!--',
  ])('copies %j as sent and decodes the same events as the parsed path', (text) => {
    const events = stream(chunk({ content: text }));
    const fast = decodeAll(events);
    expect(withoutQuoted(fast)).toEqual(withoutQuoted(decodeAll(events.map(spaced))));
    expect(quotedOf(fast)).toEqual([JSON.stringify(text)]);
    expect(quotedOf(decodeAll(events.map(spaced)))).toEqual([undefined]);
  });

  it('reads escapes other than the ones JSON.stringify writes', () => {
    const raw =
      '{"id":"c1","object":"chat.completion.chunk","created":1,"model":"m","choices":[{"index":0,"delta":{"content":"caf\\u00e9 a\\/b \\ud83c\\udf89"},"logprobs":null,"finish_reason":null}]}';
    const [, , delta] = decodeAll(stream({ event: undefined, data: raw }));
    expect(delta).toEqual({
      type: 'text_delta',
      index: 0,
      text: 'café a/b 🎉',
      quoted: '"caf\\u00e9 a\\/b \\ud83c\\udf89"',
    });
  });

  it('fails on a raw control character, which JSON does not allow, as the parsed path does', () => {
    const raw = '{"id":"c1","choices":[{"index":0,"delta":{"content":"a\tb"},"finish_reason":null}]}';
    expect(decodeAll(stream({ event: undefined, data: raw })).at(-1)).toMatchObject({
      type: 'error',
      kind: 'upstream',
    });
  });

  it.each([
    ['content with a finish_reason', chunk({ content: 'end' }, 'stop')],
    ['content with tool calls', chunk({ content: 'x', tool_calls: [{ index: 0, id: 'c', function: { name: 'f' } }] })],
    ['a second choice', data({ id: 'c1', choices: [{ index: 1, delta: { content: 'two' }, finish_reason: null }] })],
    ['usage alongside', chunk({ content: 'x' }, null, { usage: { prompt_tokens: 3, completion_tokens: 1 } })],
    ['reasoning alongside', chunk({ content: 'x', reasoning_content: 'why' })],
    ['a refusal', chunk({ refusal: 'no' })],
    ['an unknown envelope field', chunk({ content: 'x' }, null, { note: { a: 1 } })],
  ])('leaves %s to the parsed path', (_, event) => {
    const decoded = decodeAll(stream(event));
    expect(quotedOf(decoded).every((quoted) => quoted === undefined)).toBe(true);
    expect(decoded).toEqual(decodeAll(stream(spaced(event))));
  });

  it('takes the fast path only once the stream has started, so the first chunk still opens it', () => {
    const decoded = decodeAll([
      chunk({ role: 'assistant', content: 'Hi' }),
      chunk({ content: '!' }),
      chunk({}, 'stop'),
      DONE,
    ]);
    expect(decoded.slice(0, 4)).toEqual([
      { type: 'start', id: 'c1', model: 'm' },
      { type: 'block_start', index: 0, block: { type: 'text' } },
      { type: 'text_delta', index: 0, text: 'Hi' },
      { type: 'text_delta', index: 0, text: '!', quoted: '"!"' },
    ]);
  });
});
