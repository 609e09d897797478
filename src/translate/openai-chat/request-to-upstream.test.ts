import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { GatewayError } from '../../errors/gateway-error.js';
import type { UpstreamBuildOptions } from '../contract.js';
import type { IrMessage, IrRequest } from '../ir/types.js';
import { TOOL_ERROR_MARKER } from './messages-to-upstream.js';
import { buildChatRequest } from './request-to-upstream.js';

const options: UpstreamBuildOptions = { defaultMaxTokens: 4096, maxTokensField: 'max_tokens', streamUsage: true };

function request(overrides: Partial<IrRequest> = {}): IrRequest {
  return {
    model: 'client-model',
    system: [],
    messages: [{ role: 'user', content: [{ type: 'text', text: 'Hi' }] }],
    tools: [],
    stopSequences: [],
    stream: false,
    ...overrides,
  };
}

function rejection(ir: IrRequest, buildOptions: UpstreamBuildOptions = options): GatewayError {
  try {
    buildChatRequest(ir, 'up', buildOptions);
  } catch (error) {
    if (error instanceof GatewayError) return error;
    throw error;
  }
  throw new Error('the request was built');
}

const weatherCall = { type: 'tool_call' as const, id: 'toolu_01', name: 'get_weather', arguments: '{"city":"Paris"}' };
const timeCall = { type: 'tool_call' as const, id: 'toolu_02', name: 'get_time', arguments: '{}' };

describe('buildChatRequest', () => {
  it('sends the upstream model, a leading system message and a plain user message', () => {
    const body = buildChatRequest(
      request({
        system: [
          { type: 'text', text: 'Be brief.' },
          { type: 'text', text: 'Be kind.' },
        ],
      }),
      'gpt-4o-mini',
      options,
    );
    expect(body).toEqual({
      model: 'gpt-4o-mini',
      messages: [
        { role: 'system', content: 'Be brief.\n\nBe kind.' },
        { role: 'user', content: 'Hi' },
      ],
    });
  });

  it('turns a tool round trip with parallel calls into assistant tool_calls and tool messages, dropping thinking', () => {
    const messages: IrMessage[] = [
      { role: 'user', content: [{ type: 'text', text: 'Weather and time in Paris?' }] },
      {
        role: 'assistant',
        content: [
          { type: 'thinking', text: 'I need two tools.', signature: 'sig-abc' },
          { type: 'redacted_thinking', data: 'opaque' },
          { type: 'text', text: 'Checking.' },
          weatherCall,
          timeCall,
        ],
      },
      {
        role: 'user',
        content: [
          { type: 'tool_result', toolCallId: 'toolu_01', content: [{ type: 'text', text: 'Sunny' }] },
          {
            type: 'tool_result',
            toolCallId: 'toolu_02',
            content: [{ type: 'text', text: 'clock down' }],
            isError: true,
          },
          { type: 'text', text: 'Summarise.' },
        ],
      },
    ];
    expect(buildChatRequest(request({ messages }), 'up', options).messages).toEqual([
      { role: 'user', content: 'Weather and time in Paris?' },
      {
        role: 'assistant',
        content: 'Checking.',
        tool_calls: [
          { id: 'toolu_01', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Paris"}' } },
          { id: 'toolu_02', type: 'function', function: { name: 'get_time', arguments: '{}' } },
        ],
      },
      { role: 'tool', tool_call_id: 'toolu_01', content: 'Sunny' },
      { role: 'tool', tool_call_id: 'toolu_02', content: `${TOOL_ERROR_MARKER}clock down` },
      { role: 'user', content: 'Summarise.' },
    ]);
  });

  it('sends earlier thinking back as reasoning_content when the provider asks for it, always on tool-call turns', () => {
    const messages: IrMessage[] = [
      { role: 'user', content: [{ type: 'text', text: 'a' }] },
      {
        role: 'assistant',
        content: [
          { type: 'thinking', text: 'I need ' },
          { type: 'redacted_thinking', data: 'opaque' },
          { type: 'thinking', text: 'the weather.', signature: 's' },
          weatherCall,
        ],
      },
      { role: 'user', content: [{ type: 'tool_result', toolCallId: 'toolu_01', content: [] }] },
      { role: 'assistant', content: [timeCall] },
      { role: 'user', content: [{ type: 'tool_result', toolCallId: 'toolu_02', content: [] }] },
      {
        role: 'assistant',
        content: [
          { type: 'thinking', text: 'Done.' },
          { type: 'text', text: 'Sunny.' },
        ],
      },
      { role: 'user', content: [{ type: 'text', text: 'b' }] },
    ];
    const sent = buildChatRequest(request({ messages }), 'up', { ...options, sendReasoningContent: true })
      .messages as Array<Record<string, unknown>>;
    expect(sent.filter((m) => m.role === 'assistant').map((m) => m.reasoning_content)).toEqual([
      'I need the weather.',
      '',
      'Done.',
    ]);
    const plain = buildChatRequest(request({ messages }), 'up', options).messages as Array<Record<string, unknown>>;
    expect(plain.some((m) => 'reasoning_content' in m)).toBe(false);
  });

  it('sends a tool-only assistant turn with null content and leaves out a turn that held only thinking', () => {
    const messages: IrMessage[] = [
      { role: 'user', content: [{ type: 'text', text: 'a' }] },
      { role: 'assistant', content: [{ type: 'thinking', text: 'hmm', signature: 's' }] },
      { role: 'user', content: [{ type: 'text', text: 'b' }] },
      { role: 'assistant', content: [weatherCall] },
    ];
    const sent = buildChatRequest(request({ messages }), 'up', options).messages as unknown[];
    expect(sent).toEqual([
      { role: 'user', content: 'a' },
      { role: 'user', content: 'b' },
      { role: 'assistant', content: null, tool_calls: [expect.objectContaining({ id: 'toolu_01' })] },
    ]);
  });

  it('puts the images of a tool result in a user message right after the tool messages', () => {
    const messages: IrMessage[] = [
      { role: 'assistant', content: [weatherCall] },
      {
        role: 'user',
        content: [
          {
            type: 'tool_result',
            toolCallId: 'toolu_01',
            content: [
              { type: 'text', text: 'Radar:' },
              { type: 'image', source: { kind: 'base64', mediaType: 'image/png', data: 'iVBO' } },
            ],
          },
          {
            type: 'tool_result',
            toolCallId: 'toolu_02',
            content: [{ type: 'image', source: { kind: 'url', url: 'https://example.com/clock.png' } }],
          },
          { type: 'text', text: 'What do you see?' },
        ],
      },
    ];
    expect(buildChatRequest(request({ messages }), 'up', options).messages).toEqual([
      expect.objectContaining({ role: 'assistant' }),
      { role: 'tool', tool_call_id: 'toolu_01', content: 'Radar:' },
      { role: 'tool', tool_call_id: 'toolu_02', content: '(the result is the image content in the next message)' },
      {
        role: 'user',
        content: [
          { type: 'text', text: 'Images from tool call toolu_01:' },
          { type: 'image_url', image_url: { url: 'data:image/png;base64,iVBO' } },
          { type: 'text', text: 'Images from tool call toolu_02:' },
          { type: 'image_url', image_url: { url: 'https://example.com/clock.png' } },
          { type: 'text', text: 'What do you see?' },
        ],
      },
    ]);
  });

  it('sends images as image_url parts and documents as file parts or text', () => {
    const messages: IrMessage[] = [
      {
        role: 'user',
        content: [
          { type: 'image', source: { kind: 'url', url: 'https://example.com/a.png' }, detail: 'low' },
          { type: 'image', source: { kind: 'base64', mediaType: 'image/jpeg', data: '/9j/' } },
          { type: 'document', source: { kind: 'base64', mediaType: 'application/pdf', data: 'JVBE' }, title: 'q3.pdf' },
          { type: 'document', source: { kind: 'base64', mediaType: 'application/pdf', data: 'JVBF' } },
          { type: 'document', source: { kind: 'text', text: 'Plain notes' }, title: 'Notes' },
          { type: 'text', text: 'Read all of it.', cacheControl: { type: 'ephemeral' } },
        ],
      },
    ];
    expect(buildChatRequest(request({ messages }), 'up', options).messages).toEqual([
      {
        role: 'user',
        content: [
          { type: 'image_url', image_url: { url: 'https://example.com/a.png', detail: 'low' } },
          { type: 'image_url', image_url: { url: 'data:image/jpeg;base64,/9j/' } },
          { type: 'file', file: { file_data: 'data:application/pdf;base64,JVBE', filename: 'q3.pdf' } },
          { type: 'file', file: { file_data: 'data:application/pdf;base64,JVBF', filename: 'document.pdf' } },
          { type: 'text', text: 'Notes\n\nPlain notes' },
          { type: 'text', text: 'Read all of it.' },
        ],
      },
    ]);
  });

  it('rejects a document given by URL, naming the message it came from', () => {
    const error = rejection(
      request({
        messages: [
          {
            role: 'user',
            path: 'messages[3]',
            content: [{ type: 'document', source: { kind: 'url', url: 'https://example.com/a.pdf' } }],
          },
        ],
      }),
    );
    expect(error.status).toBe(400);
    expect(error.param).toBe('messages[3]');
    expect(error.message).toContain('messages[3]');
  });

  it('rejects an image in an assistant turn, naming the message', () => {
    const error = rejection(
      request({
        messages: [
          {
            role: 'assistant',
            path: 'messages[1]',
            content: [{ type: 'image', source: { kind: 'url', url: 'https://x' } }],
          },
        ],
      }),
    );
    expect(error.param).toBe('messages[1]');
  });

  it('rejects topK, naming the IR field', () => {
    const error = rejection(request({ topK: 40 }));
    expect(error.status).toBe(400);
    expect(error.param).toBe('topK');
  });

  it("rejects more stop sequences than the upstream's limit, naming the IR field, and sends up to it", () => {
    const five = ['a', 'b', 'c', 'd', 'e'];
    const error = rejection(request({ stopSequences: five }), { ...options, maxStopSequences: 4 });
    expect(error.status).toBe(400);
    expect(error.param).toBe('stopSequences');
    expect(error.message).toContain('at most 4 stop sequences (got 5)');
    const four = five.slice(0, 4);
    expect(buildChatRequest(request({ stopSequences: four }), 'up', { ...options, maxStopSequences: 4 }).stop).toEqual(
      four,
    );
    expect(buildChatRequest(request({ stopSequences: five }), 'up', options).stop).toEqual(five);
  });

  it('maps sampling, limits, stop sequences, format and user', () => {
    const body = buildChatRequest(
      request({
        maxTokens: 300,
        temperature: 0.5,
        topP: 0.8,
        stopSequences: ['###'],
        responseFormat: { type: 'json_schema', name: 'r', schema: { type: 'object' }, strict: true },
        user: 'u-9',
      }),
      'up',
      { ...options, maxTokensField: 'max_completion_tokens' },
    );
    expect(body).toMatchObject({
      max_completion_tokens: 300,
      temperature: 0.5,
      top_p: 0.8,
      stop: ['###'],
      response_format: { type: 'json_schema', json_schema: { name: 'r', schema: { type: 'object' }, strict: true } },
      user: 'u-9',
    });
    expect(body).not.toHaveProperty('max_tokens');
    expect(
      buildChatRequest(request({ responseFormat: { type: 'json_object' } }), 'up', options).response_format,
    ).toEqual({
      type: 'json_object',
    });
  });

  it('maps tools, the tool choice and parallel_tool_calls, and sends no tool choice without tools', () => {
    const body = buildChatRequest(
      request({
        tools: [
          {
            name: 'get_weather',
            description: 'Weather',
            parameters: { type: 'object' },
            strict: true,
            cacheControl: { type: 'ephemeral' },
          },
        ],
        toolChoice: { type: 'tool', name: 'get_weather' },
        parallelToolCalls: false,
      }),
      'up',
      options,
    );
    expect(body).toMatchObject({
      tools: [
        {
          type: 'function',
          function: { name: 'get_weather', description: 'Weather', parameters: { type: 'object' }, strict: true },
        },
      ],
      tool_choice: { type: 'function', function: { name: 'get_weather' } },
      parallel_tool_calls: false,
    });
    const tools = [{ name: 't', parameters: {} }];
    expect(buildChatRequest(request({ tools, toolChoice: { type: 'required' } }), 'up', options).tool_choice).toBe(
      'required',
    );
    const bare = buildChatRequest(request({ toolChoice: { type: 'none' }, parallelToolCalls: true }), 'up', options);
    expect(bare).not.toHaveProperty('tool_choice');
    expect(bare).not.toHaveProperty('parallel_tool_calls');
  });

  it('maps an effort as is and a thinking budget to the nearest effort', () => {
    expect(buildChatRequest(request({ reasoning: { effort: 'minimal' } }), 'up', options).reasoning_effort).toBe(
      'minimal',
    );
    expect(buildChatRequest(request({ reasoning: { budgetTokens: 10_000 } }), 'up', options).reasoning_effort).toBe(
      'medium',
    );
    expect(buildChatRequest(request({ reasoning: { summary: 'auto' } }), 'up', options)).not.toHaveProperty(
      'reasoning_effort',
    );
    // Models without reasoning refuse the field.
    expect(buildChatRequest(request({ reasoning: { effort: 'none' } }), 'up', options)).not.toHaveProperty(
      'reasoning_effort',
    );
  });

  it("sends no reasoning as the lowest effort an OpenAI reasoning model takes, as OpenAI's models name it", () => {
    const least = (model: string) =>
      buildChatRequest(request({ reasoning: { effort: 'none' } }), model, options).reasoning_effort;
    expect(least('gpt-5')).toBe('minimal');
    expect(least('gpt-5-nano-2025-08-07')).toBe('minimal');
    expect(least('openai/gpt-5-mini')).toBe('minimal');
    expect(least('gpt-5-codex')).toBe('low');
    expect(least('gpt-5.1')).toBe('none');
    expect(least('gpt-5.5')).toBe('none');
    expect(least('gpt-5.2-codex')).toBe('low');
    expect(least('o4-mini')).toBe('low');
    expect(least('o1')).toBe('low');
    for (const model of ['o1-mini', 'gpt-5-pro', 'gpt-5-chat-latest', 'gpt-4.1', 'llama-3.3-70b']) {
      expect(least(model)).toBeUndefined();
    }
  });

  it('asks for a stream, with a usage chunk only when the provider is set to', () => {
    expect(buildChatRequest(request({ stream: true }), 'up', options)).toMatchObject({
      stream: true,
      stream_options: { include_usage: true },
    });
    const noUsage = buildChatRequest(request({ stream: true }), 'up', { ...options, streamUsage: false });
    expect(noUsage.stream).toBe(true);
    expect(noUsage).not.toHaveProperty('stream_options');
    expect(buildChatRequest(request(), 'up', options)).not.toHaveProperty('stream');
  });

  it('sends an end-user id as user, hashed to 64 hex characters when longer (OpenAI takes at most 64)', () => {
    expect(buildChatRequest(request({ user: 'user-42' }), 'up', options).user).toBe('user-42');
    // Claude Code's metadata.user_id is about 150 characters long.
    const long = `user_${'a'.repeat(64)}_account_${'b'.repeat(36)}_session_${'c'.repeat(36)}`;
    const hashed = createHash('sha256').update(long).digest('hex');
    expect(buildChatRequest(request({ user: long }), 'up', options).user).toBe(hashed);
  });
});
