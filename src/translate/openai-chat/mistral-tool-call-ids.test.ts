import { describe, expect, it } from 'vitest';
import type { IrRequest } from '../ir/types.js';
import { mistralToolCallId } from './mistral-tool-call-ids.js';
import { buildChatRequest } from './request-to-upstream.js';

const options = { defaultMaxTokens: 4096, maxTokensField: 'max_tokens' as const, streamUsage: true };

function toolTurn(id: string): IrRequest {
  return {
    model: 'm',
    system: [],
    messages: [
      { role: 'user', content: [{ type: 'text', text: 'Weather in Paris?' }] },
      { role: 'assistant', content: [{ type: 'tool_call', id, name: 'get_weather', arguments: '{"city":"Paris"}' }] },
      { role: 'user', content: [{ type: 'tool_result', toolCallId: id, content: [{ type: 'text', text: '18C' }] }] },
    ],
    tools: [],
    stopSequences: [],
    stream: false,
  };
}

const idsOf = (body: Record<string, unknown>) => {
  const messages = body.messages as Array<{ tool_calls?: Array<{ id: string }>; tool_call_id?: string }>;
  return { call: messages[1]?.tool_calls?.[0]?.id, result: messages[2]?.tool_call_id };
};

describe('Mistral tool call ids', () => {
  it('turns any id into 9 letters and digits, the same one every time, and keeps a Mistral id', () => {
    const anthropicId = 'toolu_01A09q90qw90lq917835lq9';
    expect(mistralToolCallId(anthropicId)).toMatch(/^[a-zA-Z0-9]{9}$/);
    expect(mistralToolCallId(anthropicId)).toBe(mistralToolCallId(anthropicId));
    expect(mistralToolCallId('call_abc')).not.toBe(mistralToolCallId('call_abd'));
    expect(mistralToolCallId('D681PevKs')).toBe('D681PevKs');
  });

  it("rewrites a call's id and its result's id alike when the upstream wants Mistral ids, and only then", () => {
    const mapped = idsOf(
      buildChatRequest(toolTurn('toolu_01A09q90qw90lq917835lq9'), 'up', { ...options, toolCallIds: 'mistral' }),
    );
    expect(mapped.call).toMatch(/^[a-zA-Z0-9]{9}$/);
    expect(mapped.result).toBe(mapped.call);
    expect(idsOf(buildChatRequest(toolTurn('toolu_01A09q90qw90lq917835lq9'), 'up', options))).toEqual({
      call: 'toolu_01A09q90qw90lq917835lq9',
      result: 'toolu_01A09q90qw90lq917835lq9',
    });
  });
});
