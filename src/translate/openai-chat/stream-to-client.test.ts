import { describe, expect, it } from 'vitest';
import { parseSseEvents } from '../../upstream/sse-parse.js';
import type { EncodeContext } from '../contract.js';
import type { IrStreamEvent } from '../ir/types.js';
import { ChatStreamEncoder } from './stream-to-client.js';

function context(clientRequest: Record<string, unknown> = {}): EncodeContext {
  let next = 0;
  return { clientRequest, createdAt: 1_700_000_000, newId: (prefix) => `${prefix}gen${++next}` };
}

const usage = { inputTokens: 120, outputTokens: 40, cacheReadTokens: 100, cacheWriteTokens: 0, reasoningTokens: 12 };

/** Thinking (signed), text, then two tool calls whose argument deltas interleave, as an Anthropic upstream yields. */
const events: IrStreamEvent[] = [
  { type: 'start', id: 'msg_01', model: 'claude-sonnet-4-5' },
  { type: 'block_start', index: 0, block: { type: 'thinking' } },
  { type: 'thinking_delta', index: 0, text: 'Need both cities.' },
  { type: 'signature_delta', index: 0, signature: 'EqQBCgIYAhIM' },
  { type: 'block_stop', index: 0 },
  { type: 'block_start', index: 1, block: { type: 'text' } },
  { type: 'text_delta', index: 1, text: 'Checking ' },
  { type: 'text_delta', index: 1, text: '' },
  { type: 'text_delta', index: 1, text: 'both.' },
  { type: 'block_stop', index: 1 },
  { type: 'block_start', index: 2, block: { type: 'tool_call', id: 'toolu_A', name: 'get_weather' } },
  { type: 'tool_args_delta', index: 2, json: '{"city":' },
  { type: 'block_start', index: 3, block: { type: 'tool_call', id: 'toolu_B', name: 'get_time' } },
  { type: 'tool_args_delta', index: 3, json: '{"zone":"CET"}' },
  { type: 'tool_args_delta', index: 2, json: '"Paris"}' },
  { type: 'block_stop', index: 2 },
  { type: 'block_stop', index: 3 },
  { type: 'finish', stopReason: 'tool_use', usage },
];

function encodeAll(encoder: ChatStreamEncoder, list: IrStreamEvent[]): string {
  return list.map((event) => encoder.encode(event)).join('');
}

function payloads(text: string): unknown[] {
  return parseSseEvents(text).map((event) => (event.data === '[DONE]' ? '[DONE]' : JSON.parse(event.data)));
}

const envelope = { id: 'msg_01', object: 'chat.completion.chunk', created: 1_700_000_000, model: 'claude-sonnet-4-5' };
const choice = (delta: object, finishReason: string | null = null) => ({
  index: 0,
  delta,
  logprobs: null,
  finish_reason: finishReason,
});

describe('ChatStreamEncoder', () => {
  it('streams role, reasoning, text, tool calls one after another, the finish and the usage chunk the client asked for', () => {
    const encoder = new ChatStreamEncoder(context({ stream_options: { include_usage: true } }));
    const chunk = (delta: object, finishReason: string | null = null) => ({
      ...envelope,
      choices: [choice(delta, finishReason)],
      usage: null,
    });
    expect(payloads(encodeAll(encoder, events))).toEqual([
      chunk({ role: 'assistant', content: '' }),
      chunk({ reasoning_content: 'Need both cities.' }),
      chunk({ content: 'Checking ' }),
      chunk({ content: 'both.' }),
      chunk({
        tool_calls: [{ index: 0, id: 'toolu_A', type: 'function', function: { name: 'get_weather', arguments: '' } }],
      }),
      chunk({ tool_calls: [{ index: 0, function: { arguments: '{"city":' } }] }),
      chunk({ tool_calls: [{ index: 0, function: { arguments: '"Paris"}' } }] }),
      chunk({
        tool_calls: [{ index: 1, id: 'toolu_B', type: 'function', function: { name: 'get_time', arguments: '' } }],
      }),
      chunk({ tool_calls: [{ index: 1, function: { arguments: '{"zone":"CET"}' } }] }),
      chunk({}, 'tool_calls'),
      {
        ...envelope,
        choices: [],
        usage: {
          prompt_tokens: 120,
          completion_tokens: 40,
          total_tokens: 160,
          prompt_tokens_details: { cached_tokens: 100 },
          completion_tokens_details: { reasoning_tokens: 12 },
        },
      },
      '[DONE]',
    ]);
  });

  it('sends no usage field and no usage chunk when the client did not ask', () => {
    const text = encodeAll(new ChatStreamEncoder(context({ stream: true })), events);
    const all = payloads(text);
    expect(all.at(-2)).toEqual({ ...envelope, choices: [choice({}, 'tool_calls')] });
    expect(all.at(-1)).toBe('[DONE]');
    expect(text).not.toContain('"usage"');
  });

  it('writes each event as it comes, nothing for events Chat has no place for', () => {
    const encoder = new ChatStreamEncoder(context());
    expect(encoder.encode(events[0] as IrStreamEvent)).toMatch(/^data: \{.*"role":"assistant".*\}\n\n$/);
    expect(encoder.encode({ type: 'block_start', index: 0, block: { type: 'thinking' } })).toBe('');
    expect(encoder.encode({ type: 'signature_delta', index: 0, signature: 's' })).toBe('');
    expect(encoder.encode({ type: 'block_start', index: 1, block: { type: 'redacted_thinking', data: 'x' } })).toBe('');
    expect(encoder.encode({ type: 'block_stop', index: 1 })).toBe('');
    expect(encoder.encode({ type: 'thinking_delta', index: 0, text: '' })).toBe('');
  });

  it('ends with an error event the openai SDK recognises, and nothing after it', () => {
    const encoder = new ChatStreamEncoder(context({ stream_options: { include_usage: true } }));
    encoder.encode(events[0] as IrStreamEvent);
    const text = encoder.encode({ type: 'error', kind: 'overloaded', message: 'Overloaded' });
    expect(payloads(text)).toEqual([
      { error: { message: 'Overloaded', type: 'server_error', param: null, code: 'overloaded' } },
    ]);
    expect(encoder.encode({ type: 'finish', stopReason: 'end_turn', usage })).toBe('');
  });

  it('makes the completion and call ids from the context when the upstream gave none', () => {
    const encoder = new ChatStreamEncoder(context());
    const text = encodeAll(encoder, [
      { type: 'start', id: '', model: 'm' },
      { type: 'block_start', index: 0, block: { type: 'tool_call', id: '', name: 'f' } },
    ]);
    const [first, second] = payloads(text) as Array<{
      id: string;
      choices: Array<{ delta: { tool_calls?: Array<{ id: string }> } }>;
    }>;
    expect(first?.id).toBe('chatcmpl-gen1');
    expect(second?.choices[0]?.delta.tool_calls?.[0]?.id).toBe('call_gen2');
  });

  it('writes a text delta the decoder copied from the upstream as it arrived, escapes and all', () => {
    const encoder = new ChatStreamEncoder(context());
    const out = encodeAll(encoder, [
      { type: 'start', id: 'msg_01', model: 'claude-sonnet-4-5' },
      { type: 'block_start', index: 0, block: { type: 'text' } },
      { type: 'text_delta', index: 0, text: 'café', quoted: '"caf\\u00e9"' },
      { type: 'text_delta', index: 0, text: '"hi"\n' },
    ]);
    expect(out).toContain('"delta":{"content":"caf\\u00e9"}');
    expect(payloads(out).slice(1)).toEqual([
      { ...envelope, choices: [choice({ content: 'café' })] },
      { ...envelope, choices: [choice({ content: '"hi"\n' })] },
    ]);
  });
});
