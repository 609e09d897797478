import { describe, expect, it } from 'vitest';
import { anthropicClientCodec, anthropicUpstreamCodec } from './codec.js';
import { fixtureJson, testContext } from './fixtures/load-fixture.js';

const options = { defaultMaxTokens: 4096, maxTokensField: 'max_tokens' as const, streamUsage: true };

describe('Anthropic codecs', () => {
  it('rebuild an Anthropic request from its own IR with the same meaning', () => {
    const body = {
      model: 'alias',
      max_tokens: 16000,
      system: [{ type: 'text', text: 'Policy', cache_control: { type: 'ephemeral' } }],
      thinking: { type: 'enabled', budget_tokens: 10000 },
      tools: [{ name: 'get_weather', input_schema: { type: 'object', properties: { city: { type: 'string' } } } }],
      tool_choice: { type: 'auto', disable_parallel_tool_use: true },
      messages: [
        { role: 'user', content: 'Weather in Paris?' },
        {
          role: 'assistant',
          content: [
            { type: 'thinking', thinking: 'Call the tool.', signature: 'sig' },
            { type: 'tool_use', id: 'toolu_1', name: 'get_weather', input: { city: 'Paris' } },
          ],
        },
        { role: 'user', content: [{ type: 'tool_result', tool_use_id: 'toolu_1', content: '18C' }] },
      ],
      stream: true,
    };
    const rebuilt = anthropicUpstreamCodec.buildRequest(anthropicClientCodec.parseRequest(body), 'claude-x', options);
    expect(rebuilt).toEqual({
      ...body,
      model: 'claude-x',
      messages: [
        { role: 'user', content: [{ type: 'text', text: 'Weather in Paris?' }] },
        body.messages[1],
        {
          role: 'user',
          content: [{ type: 'tool_result', tool_use_id: 'toolu_1', content: [{ type: 'text', text: '18C' }] }],
        },
      ],
    });
  });

  it('turn an upstream Message back into the same client Message', () => {
    const message = fixtureJson('message-tool-use.json') as Record<string, unknown>;
    const ir = anthropicUpstreamCodec.decodeResponse(message, 'claude-sonnet-4-6');
    expect(anthropicClientCodec.encodeResponse(ir, testContext())).toEqual(message);
  });
});
