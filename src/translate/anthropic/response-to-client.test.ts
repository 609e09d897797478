import { describe, expect, it } from 'vitest';
import type { IrResponse } from '../ir/types.js';
import { testContext } from './fixtures/load-fixture.js';
import { encodeAnthropicResponse } from './response-to-client.js';

const response: IrResponse = {
  id: 'chatcmpl-abc',
  model: 'gpt-4o',
  content: [
    { type: 'thinking', text: 'reasoning_content from the upstream' },
    { type: 'text', text: 'Calling three tools.' },
    { type: 'tool_call', id: 'call_1', name: 'get_weather', arguments: '{"city":"Paris"}' },
    { type: 'tool_call', id: 'call_2', name: 'list', arguments: '' },
    { type: 'tool_call', id: '', name: 'echo', arguments: 'plain words' },
  ],
  stopReason: 'tool_use',
  usage: { inputTokens: 1200, outputTokens: 80, cacheReadTokens: 1024, cacheWriteTokens: 0, reasoningTokens: 30 },
};

describe('encoding an Anthropic Message', () => {
  it('writes blocks, tool inputs as objects ({} for empty, _raw for non-objects) and input tokens without cache', () => {
    expect(encodeAnthropicResponse(response, testContext())).toEqual({
      id: 'chatcmpl-abc',
      type: 'message',
      role: 'assistant',
      model: 'gpt-4o',
      content: [
        { type: 'thinking', thinking: 'reasoning_content from the upstream', signature: '' },
        { type: 'text', text: 'Calling three tools.' },
        { type: 'tool_use', id: 'call_1', name: 'get_weather', input: { city: 'Paris' } },
        { type: 'tool_use', id: 'call_2', name: 'list', input: {} },
        { type: 'tool_use', id: 'toolu_gen1', name: 'echo', input: { _raw: 'plain words' } },
      ],
      stop_reason: 'tool_use',
      stop_sequence: null,
      usage: { input_tokens: 176, cache_creation_input_tokens: 0, cache_read_input_tokens: 1024, output_tokens: 80 },
    });
  });

  it('gives the message a fresh id when the upstream had none', () => {
    expect(encodeAnthropicResponse({ ...response, id: '' }, testContext()).id).toBe('msg_gen1');
  });

  it.each([
    ['end_turn', 'end_turn'],
    ['max_tokens', 'max_tokens'],
    ['stop_sequence', 'stop_sequence'],
    ['tool_use', 'tool_use'],
    ['content_filter', 'refusal'],
    ['refusal', 'refusal'],
    ['pause_turn', 'pause_turn'],
  ] as const)('maps the IR stop reason %s to %s', (ir, anthropic) => {
    expect(encodeAnthropicResponse({ ...response, stopReason: ir }, testContext()).stop_reason).toBe(anthropic);
  });
});
