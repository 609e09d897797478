import { describe, expect, it } from 'vitest';
import { GatewayError } from '../../errors/gateway-error.js';
import { HintReport } from '../shared/hint-report.js';
import { anthropicClientField, parseAnthropicRequest } from './request-from-client.js';

const base = { model: 'claude-sonnet-4-5', max_tokens: 1024 };
const user = (content: unknown) => ({ ...base, messages: [{ role: 'user', content }] });

function rejection(body: Record<string, unknown>): GatewayError {
  try {
    // Strict translation: what the gateway refused before hints were mapped or dropped (hint-report.ts).
    parseAnthropicRequest(body, new HintReport(true));
  } catch (error) {
    if (error instanceof GatewayError) return error;
    throw error;
  }
  throw new Error('the request was accepted');
}

describe('parsing an Anthropic Messages request', () => {
  it('reads a plain text conversation with a string system prompt and sampling parameters', () => {
    const ir = parseAnthropicRequest({
      ...base,
      system: 'Be brief.',
      messages: [
        { role: 'user', content: 'Hello' },
        { role: 'assistant', content: [{ type: 'text', text: 'Hi!' }] },
        { role: 'user', content: 'Weather?' },
      ],
      stop_sequences: ['END'],
      temperature: 0.2,
      top_p: 0.9,
      top_k: 40,
      stream: true,
      metadata: { user_id: 'user-7' },
      service_tier: 'auto',
    });
    expect(ir).toEqual({
      model: 'claude-sonnet-4-5',
      system: [{ type: 'text', text: 'Be brief.' }],
      messages: [
        { role: 'user', content: [{ type: 'text', text: 'Hello' }], path: 'messages[0]' },
        { role: 'assistant', content: [{ type: 'text', text: 'Hi!' }], path: 'messages[1]' },
        { role: 'user', content: [{ type: 'text', text: 'Weather?' }], path: 'messages[2]' },
      ],
      tools: [],
      maxTokens: 1024,
      stopSequences: ['END'],
      temperature: 0.2,
      topP: 0.9,
      topK: 40,
      stream: true,
      user: 'user-7',
    });
  });

  it('keeps cache_control on system blocks, text, images and documents', () => {
    const ir = parseAnthropicRequest({
      ...base,
      system: [{ type: 'text', text: 'Long policy', cache_control: { type: 'ephemeral', ttl: '1h' } }],
      messages: [
        {
          role: 'user',
          content: [
            { type: 'text', text: 'Compare these' },
            { type: 'image', source: { type: 'base64', media_type: 'image/png', data: 'iVBORw0K' } },
            {
              type: 'image',
              source: { type: 'url', url: 'https://example.com/a.jpg' },
              cache_control: { type: 'ephemeral' },
            },
            {
              type: 'document',
              source: { type: 'base64', media_type: 'application/pdf', data: 'JVBERi0x' },
              title: 'Q3',
            },
            { type: 'document', source: { type: 'text', media_type: 'text/plain', data: 'plain notes' } },
            { type: 'document', source: { type: 'url', url: 'https://example.com/r.pdf' } },
          ],
        },
      ],
    });
    expect(ir.system).toEqual([{ type: 'text', text: 'Long policy', cacheControl: { type: 'ephemeral', ttl: '1h' } }]);
    expect(ir.messages[0]?.content).toEqual([
      { type: 'text', text: 'Compare these' },
      { type: 'image', source: { kind: 'base64', mediaType: 'image/png', data: 'iVBORw0K' } },
      { type: 'image', source: { kind: 'url', url: 'https://example.com/a.jpg' }, cacheControl: { type: 'ephemeral' } },
      { type: 'document', source: { kind: 'base64', mediaType: 'application/pdf', data: 'JVBERi0x' }, title: 'Q3' },
      { type: 'document', source: { kind: 'text', text: 'plain notes' } },
      { type: 'document', source: { kind: 'url', url: 'https://example.com/r.pdf' } },
    ]);
  });

  it('reads a tool round trip with parallel calls, signed thinking and results as strings or blocks', () => {
    const ir = parseAnthropicRequest({
      ...base,
      messages: [
        { role: 'user', content: 'Weather in Paris and Rome?' },
        {
          role: 'assistant',
          content: [
            { type: 'thinking', thinking: 'Two calls.', signature: 'sig-1' },
            { type: 'redacted_thinking', data: 'opaque' },
            { type: 'tool_use', id: 'toolu_1', name: 'get_weather', input: { city: 'Paris' } },
            { type: 'tool_use', id: 'toolu_2', name: 'get_weather', input: { city: 'Rome' } },
          ],
        },
        {
          role: 'user',
          content: [
            { type: 'tool_result', tool_use_id: 'toolu_1', content: '18C' },
            {
              type: 'tool_result',
              tool_use_id: 'toolu_2',
              is_error: true,
              content: [{ type: 'text', text: 'service down' }],
            },
          ],
        },
      ],
    });
    expect(ir.messages[1]?.content).toEqual([
      { type: 'thinking', text: 'Two calls.', signature: 'sig-1' },
      { type: 'redacted_thinking', data: 'opaque' },
      { type: 'tool_call', id: 'toolu_1', name: 'get_weather', arguments: '{"city":"Paris"}' },
      { type: 'tool_call', id: 'toolu_2', name: 'get_weather', arguments: '{"city":"Rome"}' },
    ]);
    expect(ir.messages[2]?.content).toEqual([
      { type: 'tool_result', toolCallId: 'toolu_1', content: [{ type: 'text', text: '18C' }] },
      { type: 'tool_result', toolCallId: 'toolu_2', content: [{ type: 'text', text: 'service down' }], isError: true },
    ]);
  });

  it('reads custom tools and every tool_choice form', () => {
    const tools = [
      {
        name: 'get_weather',
        description: 'Weather for a city',
        input_schema: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
        cache_control: { type: 'ephemeral' },
      },
      { type: 'custom', name: 'noop', input_schema: { type: 'object' }, strict: true },
    ];
    const ir = parseAnthropicRequest({
      ...user('hi'),
      tools,
      tool_choice: { type: 'any', disable_parallel_tool_use: true },
    });
    expect(ir.tools).toEqual([
      {
        name: 'get_weather',
        description: 'Weather for a city',
        parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
        cacheControl: { type: 'ephemeral' },
      },
      { name: 'noop', parameters: { type: 'object' }, strict: true },
    ]);
    expect(ir.toolChoice).toEqual({ type: 'required' });
    expect(ir.parallelToolCalls).toBe(false);
    const choice = (tool_choice: unknown) => parseAnthropicRequest({ ...user('hi'), tools, tool_choice }).toolChoice;
    expect(choice({ type: 'auto' })).toEqual({ type: 'auto' });
    expect(choice({ type: 'none' })).toEqual({ type: 'none' });
    expect(choice({ type: 'tool', name: 'noop' })).toEqual({ type: 'tool', name: 'noop' });
  });

  it('turns thinking with a budget into reasoning with the budget and its effort; disabled thinking into none', () => {
    const thinking = parseAnthropicRequest({
      ...user('hi'),
      max_tokens: 16000,
      thinking: { type: 'enabled', budget_tokens: 10000 },
    });
    expect(thinking.reasoning).toEqual({ budgetTokens: 10000, effort: 'medium' });
    expect(parseAnthropicRequest({ ...user('hi'), thinking: { type: 'disabled' } }).reasoning).toEqual({
      effort: 'none',
    });
  });

  it.each([
    ['a missing max_tokens', { model: 'm', messages: [{ role: 'user', content: 'x' }] }, 'max_tokens'],
    ['a fractional max_tokens', { ...user('x'), max_tokens: 10.5 }, 'max_tokens'],
    ['an empty messages array', { ...base, messages: [] }, 'messages'],
    ['a system role message', { ...base, messages: [{ role: 'system', content: 'x' }] }, 'messages[0].role'],
    ['a non-string text', user([{ type: 'text', text: 5 }]), 'messages[0].content[0].text'],
    [
      'an unsupported image media type',
      user([{ type: 'image', source: { type: 'base64', media_type: 'image/tiff', data: 'x' } }]),
      'messages[0].content[0].source.media_type',
    ],
    [
      'a Files API image',
      user([{ type: 'image', source: { type: 'file', file_id: 'file_1' } }]),
      'messages[0].content[0].source.type',
    ],
    [
      'a non-PDF base64 document',
      user([{ type: 'document', source: { type: 'base64', media_type: 'application/msword', data: 'x' } }]),
      'messages[0].content[0].source.media_type',
    ],
    [
      'document citations turned on',
      user([{ type: 'document', source: { type: 'url', url: 'https://x/a.pdf' }, citations: { enabled: true } }]),
      'messages[0].content[0].citations.enabled',
    ],
    [
      'document context',
      user([{ type: 'document', source: { type: 'url', url: 'https://x/a.pdf' }, context: 'c' }]),
      'messages[0].content[0].context',
    ],
    [
      'a server tool result block',
      user([{ type: 'web_search_tool_result', tool_use_id: 's', content: [] }]),
      'messages[0].content[0].type',
    ],
    [
      'tool_use in a user message',
      user([{ type: 'tool_use', id: 't', name: 'n', input: {} }]),
      'messages[0].content[0].type',
    ],
    [
      'a search result inside a tool_result (documents and images are taken)',
      user([
        {
          type: 'tool_result',
          tool_use_id: 't',
          content: [{ type: 'search_result', source: 'https://x', title: 't', content: [] }],
        },
      ]),
      'messages[0].content[0].content[0].type',
    ],
    [
      'tool_use input that is not an object',
      { ...base, messages: [{ role: 'assistant', content: [{ type: 'tool_use', id: 't', name: 'n', input: 'x' }] }] },
      'messages[0].content[0].input',
    ],
    [
      'a web search server tool',
      { ...user('x'), tools: [{ type: 'web_search_20250305', name: 'web_search' }] },
      'tools[0].type',
    ],
    ['a bash tool', { ...user('x'), tools: [{ type: 'bash_20250124', name: 'bash' }] }, 'tools[0].type'],
    [
      'a text editor tool',
      { ...user('x'), tools: [{ type: 'text_editor_20250728', name: 'str_replace_based_edit_tool' }] },
      'tools[0].type',
    ],
    [
      'a computer tool',
      { ...user('x'), tools: [{ type: 'computer_20250124', name: 'computer', display_width_px: 1 }] },
      'tools[0].type',
    ],
    ['a tool without input_schema', { ...user('x'), tools: [{ name: 'n' }] }, 'tools[0].input_schema'],
    [
      'tool input_examples',
      { ...user('x'), tools: [{ name: 'n', input_schema: { type: 'object' }, input_examples: [] }] },
      'tools[0].input_examples',
    ],
    ['an unknown tool_choice', { ...user('x'), tool_choice: { type: 'required' } }, 'tool_choice.type'],
    [
      'a thinking budget below 1024',
      { ...user('x'), thinking: { type: 'enabled', budget_tokens: 500 } },
      'thinking.budget_tokens',
    ],
    [
      'a thinking budget not below max_tokens',
      { ...user('x'), thinking: { type: 'enabled', budget_tokens: 2048 } },
      'thinking.budget_tokens',
    ],
    ['adaptive thinking', { ...user('x'), thinking: { type: 'adaptive' } }, 'thinking.type'],
    ['a temperature above 1', { ...user('x'), temperature: 1.5 }, 'temperature'],
    ['a string top_p', { ...user('x'), top_p: '0.5' }, 'top_p'],
    ['a non-boolean stream', { ...user('x'), stream: 'yes' }, 'stream'],
    ['a stop sequence that is not a string', { ...user('x'), stop_sequences: ['a', 1] }, 'stop_sequences[1]'],
    ['unknown metadata', { ...user('x'), metadata: { session: 's' } }, 'metadata.session'],
    ['an unknown service tier', { ...user('x'), service_tier: 'priority' }, 'service_tier'],
    ['mcp_servers', { ...user('x'), mcp_servers: [] }, 'mcp_servers'],
    ['container', { ...user('x'), container: 'c' }, 'container'],
    ['an output effort', { ...user('x'), output_config: { effort: 'low' } }, 'output_config.effort'],
    [
      'an output format without a schema',
      { ...user('x'), output_config: { format: { type: 'json_schema' } } },
      'output_config.format.schema',
    ],
    ['an unknown top-level field', { ...user('x'), frequency_penalty: 0 }, 'frequency_penalty'],
  ])('rejects %s with a 400 naming %s', (_what, body, param) => {
    const error = rejection(body as Record<string, unknown>);
    expect(error.status).toBe(400);
    expect(error.param).toBe(param);
    expect(error.message).toContain(param);
  });

  it('takes Anthropic-only fields sent as null for not set', () => {
    const ir = parseAnthropicRequest({ ...user('x'), container: null, mcp_servers: null, context_management: null });
    expect(ir.messages).toHaveLength(1);
  });

  it('reads output_config.format as a strict json_schema response format', () => {
    const schema = { type: 'object', properties: { a: { type: 'number' } }, additionalProperties: false };
    const ir = parseAnthropicRequest({ ...user('x'), output_config: { format: { type: 'json_schema', schema } } });
    expect(ir.responseFormat).toEqual({ type: 'json_schema', name: 'output', schema, strict: true });
  });

  it('rejects a missing model with the missing-model error', () => {
    const error = rejection({ max_tokens: 5, messages: [{ role: 'user', content: 'x' }] });
    expect(error).toMatchObject({ status: 400, param: 'model', code: 'GW_ERR_REQUEST_MISSING_MODEL' });
  });

  it('accepts and drops pure hints: top-level cache_control, text citations, tool_use cache_control', () => {
    const ir = parseAnthropicRequest({
      ...base,
      cache_control: { type: 'ephemeral' },
      messages: [
        { role: 'user', content: 'q' },
        {
          role: 'assistant',
          content: [
            { type: 'text', text: 'cited', citations: [{ type: 'char_location', cited_text: 'x' }] },
            { type: 'tool_use', id: 't', name: 'n', input: {}, cache_control: { type: 'ephemeral' } },
          ],
        },
      ],
    });
    expect(ir.messages[1]?.content).toEqual([
      { type: 'text', text: 'cited' },
      { type: 'tool_call', id: 't', name: 'n', arguments: '{}' },
    ]);
  });

  it('names IR fields the way an Anthropic client wrote them', () => {
    expect(anthropicClientField('maxTokens')).toBe('max_tokens');
    expect(anthropicClientField('topK')).toBe('top_k');
    expect(anthropicClientField('reasoning')).toBe('thinking');
    expect(anthropicClientField('user')).toBe('metadata.user_id');
    expect(anthropicClientField('messages')).toBe('messages');
  });
});
