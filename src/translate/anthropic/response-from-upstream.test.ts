import { describe, expect, it } from 'vitest';
import { GatewayError } from '../../errors/gateway-error.js';
import { fixtureJson } from './fixtures/load-fixture.js';
import { decodeAnthropicResponse } from './response-from-upstream.js';

describe('decoding an Anthropic Message', () => {
  it('reads text and parallel tool calls, with arguments as JSON text and cache reads added to input', () => {
    expect(decodeAnthropicResponse(fixtureJson('message-tool-use.json'))).toEqual({
      id: 'msg_01Aq9w938a90dw8q',
      model: 'claude-opus-4-6',
      content: [
        { type: 'text', text: "I'll check the current weather in San Francisco and New York for you." },
        {
          type: 'tool_call',
          id: 'toolu_01A09q90qw90lq917835lq9',
          name: 'get_weather',
          arguments: '{"location":"San Francisco, CA","unit":"celsius"}',
        },
        {
          type: 'tool_call',
          id: 'toolu_01B1ab2cd3ef4gh5ij6kl7mn8',
          name: 'get_weather',
          arguments: '{"location":"New York, NY","unit":"celsius"}',
        },
      ],
      stopReason: 'tool_use',
      usage: { inputTokens: 150, outputTokens: 87, cacheReadTokens: 120, cacheWriteTokens: 0 },
    });
  });

  it('keeps signed thinking and redacted thinking, and reads thinking tokens and cache writes', () => {
    const response = decodeAnthropicResponse(fixtureJson('message-thinking.json'));
    expect(response.content).toEqual([
      {
        type: 'thinking',
        text: 'Let me analyze this step by step...',
        signature: 'WaUjzkypQ2mUEVM36O2TxuC06KN8xyfbJwyem2dw3URve/op91XWHOEBLLqIOMfFG/UvLEczmEsUjavL',
      },
      { type: 'redacted_thinking', data: 'EmwKAhgBEgy3va3pzix/LafPsn4aDFIT2Xlxh0L5L8rLVyIwxtE3rAFBa8cr3qpP' },
      { type: 'text', text: 'Based on my analysis, the answer is 42.' },
    ]);
    expect(response.usage).toEqual({
      inputTokens: 3095,
      outputTokens: 503,
      cacheReadTokens: 0,
      cacheWriteTokens: 1000,
      reasoningTokens: 410,
    });
    expect(response.stopReason).toBe('end_turn');
  });

  it('keeps the stop sequence that ended the message', () => {
    const response = decodeAnthropicResponse({
      id: 'msg_1',
      model: 'claude',
      content: [{ type: 'text', text: 'a' }],
      stop_reason: 'stop_sequence',
      stop_sequence: '###',
      usage: { input_tokens: 3, output_tokens: 1 },
    });
    expect(response).toMatchObject({ stopReason: 'stop_sequence', stopSequence: '###' });
  });

  it('fails with an upstream error on a body that is not a Message', () => {
    expect(() => decodeAnthropicResponse({ type: 'message' })).toThrow(GatewayError);
  });
});
