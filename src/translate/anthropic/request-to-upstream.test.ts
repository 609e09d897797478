import { describe, expect, it } from 'vitest';
import { GatewayError } from '../../errors/gateway-error.js';
import type { UpstreamBuildOptions } from '../contract.js';
import type { IrMessage, IrRequest } from '../ir/types.js';
import { buildAnthropicRequest } from './request-to-upstream.js';

const options: UpstreamBuildOptions = { defaultMaxTokens: 4096, maxTokensField: 'max_tokens', streamUsage: true };

function request(overrides: Partial<IrRequest> = {}): IrRequest {
  return {
    model: 'client-model',
    system: [],
    messages: [{ role: 'user', content: [{ type: 'text', text: 'Hello' }] }],
    tools: [],
    stopSequences: [],
    stream: false,
    ...overrides,
  };
}

function build(overrides: Partial<IrRequest> = {}) {
  return buildAnthropicRequest(request(overrides), 'claude-sonnet-4-5', options);
}

function rejection(overrides: Partial<IrRequest>): GatewayError {
  try {
    build(overrides);
  } catch (error) {
    if (error instanceof GatewayError) return error;
    throw error;
  }
  throw new Error('the request was accepted');
}

const toolTurn: IrMessage[] = [
  { role: 'user', content: [{ type: 'text', text: 'Weather in Paris and Rome?' }] },
  {
    role: 'assistant',
    content: [
      { type: 'text', text: '' },
      { type: 'tool_call', id: 'call_1', name: 'get_weather', arguments: '{"city":"Paris"}' },
      { type: 'tool_call', id: 'call_2', name: 'get_weather', arguments: '{"city":"Rome"}' },
    ],
  },
  { role: 'user', content: [{ type: 'tool_result', toolCallId: 'call_1', content: [{ type: 'text', text: '18C' }] }] },
  {
    role: 'user',
    content: [{ type: 'tool_result', toolCallId: 'call_2', content: [{ type: 'text', text: '' }], isError: true }],
  },
  { role: 'user', content: [{ type: 'text', text: 'And tomorrow?' }] },
];

describe('building an Anthropic Messages request', () => {
  it('sends the upstream model, the default max_tokens and system text blocks with cache_control kept', () => {
    const body = build({
      system: [
        { type: 'text', text: 'Policy', cacheControl: { type: 'ephemeral' } },
        { type: 'text', text: 'Be brief.' },
      ],
      stopSequences: ['END'],
      temperature: 0.3,
      topP: 0.8,
      topK: 20,
      stream: true,
      user: 'user-9',
    });
    expect(body).toEqual({
      model: 'claude-sonnet-4-5',
      max_tokens: 4096,
      system: [
        { type: 'text', text: 'Policy', cache_control: { type: 'ephemeral' } },
        { type: 'text', text: 'Be brief.' },
      ],
      messages: [{ role: 'user', content: [{ type: 'text', text: 'Hello' }] }],
      stop_sequences: ['END'],
      temperature: 0.3,
      top_p: 0.8,
      top_k: 20,
      stream: true,
      metadata: { user_id: 'user-9' },
    });
  });

  it('merges consecutive tool results into one user message, results first, leaving out empty text', () => {
    expect(build({ messages: toolTurn }).messages).toEqual([
      { role: 'user', content: [{ type: 'text', text: 'Weather in Paris and Rome?' }] },
      {
        role: 'assistant',
        content: [
          { type: 'tool_use', id: 'call_1', name: 'get_weather', input: { city: 'Paris' } },
          { type: 'tool_use', id: 'call_2', name: 'get_weather', input: { city: 'Rome' } },
        ],
      },
      {
        role: 'user',
        content: [
          { type: 'tool_result', tool_use_id: 'call_1', content: [{ type: 'text', text: '18C' }] },
          { type: 'tool_result', tool_use_id: 'call_2', is_error: true },
          { type: 'text', text: 'And tomorrow?' },
        ],
      },
    ]);
  });

  it('puts tool results before text the client wrote first in the same user message', () => {
    const body = build({
      messages: [
        { role: 'assistant', content: [{ type: 'tool_call', id: 'c', name: 'n', arguments: '' }] },
        {
          role: 'user',
          content: [
            { type: 'text', text: 'here you go' },
            { type: 'tool_result', toolCallId: 'c', content: [] },
          ],
        },
      ],
    });
    expect(body.messages[0]?.content).toEqual([{ type: 'tool_use', id: 'c', name: 'n', input: {} }]);
    expect(body.messages[1]?.content.map((b) => b.type)).toEqual(['tool_result', 'text']);
  });

  it('rewrites tool ids Anthropic refuses the same way in the call and its result, and keeps valid ones', () => {
    const body = build({
      messages: [
        {
          role: 'assistant',
          content: [
            { type: 'tool_call', id: 'functions.Bash:12', name: 'Bash', arguments: '{}' },
            { type: 'tool_call', id: 'toolu_01-ok', name: 'Bash', arguments: '{}' },
          ],
        },
        {
          role: 'user',
          content: [
            { type: 'tool_result', toolCallId: 'functions.Bash:12', content: [] },
            { type: 'tool_result', toolCallId: 'toolu_01-ok', content: [] },
          ],
        },
      ],
    });
    expect(body.messages[0]?.content).toMatchObject([{ id: 'functions_Bash_12' }, { id: 'toolu_01-ok' }]);
    expect(body.messages[1]?.content).toMatchObject([
      { tool_use_id: 'functions_Bash_12' },
      { tool_use_id: 'toolu_01-ok' },
    ]);
  });

  it('wraps tool arguments that are not a JSON object as {"_raw": ...}', () => {
    const body = build({
      messages: [{ role: 'assistant', content: [{ type: 'tool_call', id: 'c', name: 'n', arguments: '[1,2]' }] }],
    });
    expect(body.messages[0]?.content[0]).toEqual({ type: 'tool_use', id: 'c', name: 'n', input: { _raw: '[1,2]' } });
  });

  it('sends images by url or base64 (data: URLs become base64) and documents by base64, text or url', () => {
    const body = build({
      messages: [
        {
          role: 'user',
          content: [
            { type: 'image', source: { kind: 'url', url: 'https://example.com/cat.jpg' }, detail: 'high' },
            { type: 'image', source: { kind: 'url', url: 'data:image/png;base64,iVBORw0K' } },
            {
              type: 'image',
              source: { kind: 'base64', mediaType: 'image/webp', data: 'UklGR' },
              cacheControl: { type: 'ephemeral' },
            },
            {
              type: 'document',
              source: { kind: 'base64', mediaType: 'application/pdf', data: 'JVBERi0x' },
              title: 'report.pdf',
            },
            {
              type: 'document',
              source: { kind: 'base64', mediaType: 'text/plain', data: Buffer.from('notes').toString('base64') },
            },
            { type: 'document', source: { kind: 'text', text: 'inline' } },
            { type: 'document', source: { kind: 'url', url: 'https://example.com/a.pdf' } },
          ],
        },
      ],
    });
    expect(body.messages[0]?.content).toEqual([
      { type: 'image', source: { type: 'url', url: 'https://example.com/cat.jpg' } },
      { type: 'image', source: { type: 'base64', media_type: 'image/png', data: 'iVBORw0K' } },
      {
        type: 'image',
        source: { type: 'base64', media_type: 'image/webp', data: 'UklGR' },
        cache_control: { type: 'ephemeral' },
      },
      {
        type: 'document',
        source: { type: 'base64', media_type: 'application/pdf', data: 'JVBERi0x' },
        title: 'report.pdf',
      },
      { type: 'document', source: { type: 'text', media_type: 'text/plain', data: 'notes' } },
      { type: 'document', source: { type: 'text', media_type: 'text/plain', data: 'inline' } },
      { type: 'document', source: { type: 'url', url: 'https://example.com/a.pdf' } },
    ]);
  });

  it("sends a JPEG labelled with the common but non-standard 'image/jpg' as image/jpeg", () => {
    const body = build({
      messages: [
        {
          role: 'user',
          content: [
            { type: 'image', source: { kind: 'base64', mediaType: 'image/jpg', data: '/9j/' } },
            { type: 'image', source: { kind: 'url', url: 'data:image/jpg;base64,/9j/' } },
          ],
        },
      ],
    });
    const jpeg = { type: 'image', source: { type: 'base64', media_type: 'image/jpeg', data: '/9j/' } };
    expect(body.messages[0]?.content).toEqual([jpeg, jpeg]);
  });

  it('rejects an image or document type Anthropic cannot read, naming messages and the message path', () => {
    const image = rejection({
      messages: [
        {
          role: 'user',
          path: 'messages[0]',
          content: [{ type: 'image', source: { kind: 'base64', mediaType: 'image/bmp', data: 'x' } }],
        },
      ],
    });
    expect(image).toMatchObject({ status: 400, param: 'messages' });
    expect(image.message).toContain('messages[0]');
    const document = rejection({
      messages: [
        {
          role: 'user',
          content: [{ type: 'document', source: { kind: 'base64', mediaType: 'application/zip', data: 'x' } }],
        },
      ],
    });
    expect(document).toMatchObject({ status: 400, param: 'messages' });
  });

  it('defines tools (an object schema guaranteed) and maps tool choice and parallel calls', () => {
    const tools = [
      { name: 'get_weather', description: 'Weather', parameters: { type: 'object', properties: {} }, strict: true },
      { name: 'ping', parameters: {}, cacheControl: { type: 'ephemeral' as const } },
    ];
    const body = build({ tools, toolChoice: { type: 'required' }, parallelToolCalls: false });
    expect(body.tools).toEqual([
      { name: 'get_weather', description: 'Weather', input_schema: { type: 'object', properties: {} }, strict: true },
      { name: 'ping', input_schema: { type: 'object' }, cache_control: { type: 'ephemeral' } },
    ]);
    expect(body.tool_choice).toEqual({ type: 'any', disable_parallel_tool_use: true });
    expect(build({ tools, toolChoice: { type: 'tool', name: 'ping' } }).tool_choice).toEqual({
      type: 'tool',
      name: 'ping',
    });
    expect(build({ tools, toolChoice: { type: 'none' } }).tool_choice).toEqual({ type: 'none' });
    expect(build({ tools, parallelToolCalls: false }).tool_choice).toEqual({
      type: 'auto',
      disable_parallel_tool_use: true,
    });
    expect(build({ tools }).tool_choice).toBeUndefined();
    expect(build({ toolChoice: { type: 'auto' } }).tool_choice).toBeUndefined();
  });

  it('turns effort into a thinking budget and keeps max_tokens above it', () => {
    expect(build({ reasoning: { effort: 'medium' } })).toMatchObject({
      thinking: { type: 'enabled', budget_tokens: 8192 },
      max_tokens: 8192 + 4096,
    });
    expect(build({ reasoning: { effort: 'low' } })).toMatchObject({
      thinking: { budget_tokens: 2048 },
      max_tokens: 4096,
    });
    expect(build({ reasoning: { budgetTokens: 3000 }, maxTokens: 20000 })).toMatchObject({
      thinking: { budget_tokens: 3000 },
      max_tokens: 20000,
    });
    expect(build({ reasoning: { effort: 'high' }, maxTokens: 6000 })).toMatchObject({
      thinking: { budget_tokens: 3000 },
      max_tokens: 6000,
    });
    expect(build({ reasoning: { summary: 'auto' } }).thinking).toBeUndefined();
  });

  it('rejects an output limit too small for the minimum thinking budget, naming maxTokens', () => {
    expect(rejection({ reasoning: { effort: 'low' }, maxTokens: 1000 })).toMatchObject({
      status: 400,
      param: 'maxTokens',
    });
  });

  it('sends prior thinking only when signed, and redacted thinking always', () => {
    const body = build({
      reasoning: { effort: 'low' },
      messages: [
        { role: 'user', content: [{ type: 'text', text: 'q1' }] },
        {
          role: 'assistant',
          content: [
            { type: 'thinking', text: 'unsigned, from another provider' },
            { type: 'text', text: 'a1' },
          ],
        },
        { role: 'user', content: [{ type: 'text', text: 'q2' }] },
        {
          role: 'assistant',
          content: [
            { type: 'thinking', text: 'signed', signature: 'sig' },
            { type: 'redacted_thinking', data: 'opaque' },
            { type: 'tool_call', id: 't', name: 'n', arguments: '{}' },
          ],
        },
        { role: 'user', content: [{ type: 'tool_result', toolCallId: 't', content: [{ type: 'text', text: 'ok' }] }] },
      ],
    });
    expect(body.messages[1]?.content).toEqual([{ type: 'text', text: 'a1' }]);
    expect(body.messages[3]?.content.map((b) => b.type)).toEqual(['thinking', 'redacted_thinking', 'tool_use']);
    expect(body.thinking).toEqual({ type: 'enabled', budget_tokens: 2048 });
  });

  it('sends the request without thinking when the turn being continued used tools without signed thinking', () => {
    const body = build({ reasoning: { effort: 'high' }, messages: toolTurn });
    expect(body.thinking).toBeUndefined();
    expect(body.max_tokens).toBe(4096);
  });

  it('sends a json_schema response format as output_config.format (Anthropic structured outputs)', () => {
    const schema = { type: 'object', properties: { city: { type: 'string' } }, additionalProperties: false };
    const body = build({ responseFormat: { type: 'json_schema', name: 'answer', schema, strict: false } });
    expect(body.output_config).toEqual({ format: { type: 'json_schema', schema } });
  });

  it.each([
    ['json_object, which has no schema', { type: 'json_object' as const }, 'schema'],
    [
      'a schema description, which has no place there',
      { type: 'json_schema' as const, name: 'answer', schema: { type: 'object' }, description: 'The answer' },
      'description',
    ],
  ])('rejects %s naming responseFormat', (_what, responseFormat, word) => {
    const error = rejection({ responseFormat });
    expect(error).toMatchObject({ status: 400, param: 'responseFormat' });
    expect(error.message).toContain(word);
  });

  it.each([['\n'], [''], ['  \t']])('rejects the stop sequence %j, as Anthropic does, naming stopSequences', (stop) => {
    const error = rejection({ stopSequences: ['END', stop] });
    expect(error).toMatchObject({ status: 400, param: 'stopSequences' });
    expect(error.message).toContain(JSON.stringify(stop));
  });

  it('accepts a text response format, which is the default', () => {
    expect(() => build({ responseFormat: { type: 'text' } })).not.toThrow();
  });
});
