import { describe, expect, it } from 'vitest';
import { GatewayError } from '../../errors/gateway-error.js';
import { HintReport } from '../shared/hint-report.js';
import { parseChatRequest } from './request-from-client.js';

const user = (content: unknown) => ({ role: 'user', content });
const base = { model: 'claude-sonnet', messages: [user('Hello')] };

function rejection(body: Record<string, unknown>): GatewayError {
  try {
    // Strict translation: what the gateway refused before hints were mapped or dropped (hint-report.ts).
    parseChatRequest(body, new HintReport(true));
  } catch (error) {
    if (error instanceof GatewayError) return error;
    throw error;
  }
  throw new Error('the request was accepted');
}

describe('parseChatRequest', () => {
  it.each(['xhigh', 'max'])("reads reasoning_effort '%s' as high, the deepest every upstream takes", (effort) => {
    const ir = parseChatRequest({ ...base, reasoning_effort: effort }, new HintReport());
    expect(ir.reasoning).toEqual({ effort: 'high' });
  });

  it('reads a plain text request into the IR with nothing left over', () => {
    expect(parseChatRequest(base)).toEqual({
      model: 'claude-sonnet',
      system: [],
      messages: [{ role: 'user', content: [{ type: 'text', text: 'Hello' }], path: 'messages[0]' }],
      tools: [],
      stopSequences: [],
      stream: false,
    });
  });

  it('folds every system and developer message into the system prompt, in order, even after the conversation started', () => {
    const ir = parseChatRequest({
      model: 'm',
      messages: [
        { role: 'system', content: 'You are terse.' },
        { role: 'developer', content: [{ type: 'text', text: 'Answer in French.' }] },
        user('Hi'),
        { role: 'system', content: 'Now switch to German.' },
        user('Again'),
      ],
    });
    expect(ir.system.map((part) => part.text)).toEqual([
      'You are terse.',
      'Answer in French.',
      'Now switch to German.',
    ]);
    expect(ir.messages.map((message) => message.path)).toEqual(['messages[2]', 'messages[4]']);
  });

  it('reads text, image URLs, inline images and inline files, keeping detail, file names and cache breakpoints', () => {
    const ir = parseChatRequest({
      model: 'm',
      messages: [
        user([
          { type: 'text', text: 'Compare these', prompt_cache_breakpoint: { mode: 'explicit' } },
          { type: 'image_url', image_url: { url: 'https://example.com/cat.png', detail: 'high' } },
          { type: 'image_url', image_url: { url: 'data:image/png;base64,iVBORw0KGgo=' } },
          { type: 'file', file: { file_data: 'data:application/pdf;base64,JVBERi0=', filename: 'report.pdf' } },
          { type: 'text', text: 'cached', cache_control: { type: 'ephemeral', ttl: '1h' } },
        ]),
      ],
    });
    expect(ir.messages[0]?.content).toEqual([
      { type: 'text', text: 'Compare these', cacheControl: { type: 'ephemeral' } },
      { type: 'image', source: { kind: 'url', url: 'https://example.com/cat.png' }, detail: 'high' },
      { type: 'image', source: { kind: 'base64', mediaType: 'image/png', data: 'iVBORw0KGgo=' } },
      {
        type: 'document',
        source: { kind: 'base64', mediaType: 'application/pdf', data: 'JVBERi0=' },
        title: 'report.pdf',
      },
      { type: 'text', text: 'cached', cacheControl: { type: 'ephemeral', ttl: '1h' } },
    ]);
  });

  it('reads an assistant turn with reasoning, parallel tool calls and their results grouped into one user turn', () => {
    const ir = parseChatRequest({
      model: 'm',
      messages: [
        user('Weather in Paris and Rome?'),
        {
          role: 'assistant',
          content: null,
          reasoning_content: 'Two cities, two calls.',
          tool_calls: [
            { id: 'call_1', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Paris"}' } },
            { id: 'call_2', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Rome"}' } },
          ],
          refusal: null,
          annotations: [],
          audio: null,
          function_call: null,
        },
        { role: 'tool', tool_call_id: 'call_1', name: 'get_weather', content: 'Sunny, 24C' },
        {
          role: 'tool',
          tool_call_id: 'call_2',
          content: [
            { type: 'text', text: 'Rain, ' },
            { type: 'text', text: '18C' },
          ],
        },
        user('Thanks'),
      ],
    });
    expect(ir.messages).toEqual([
      { role: 'user', content: [{ type: 'text', text: 'Weather in Paris and Rome?' }], path: 'messages[0]' },
      {
        role: 'assistant',
        path: 'messages[1]',
        content: [
          { type: 'thinking', text: 'Two cities, two calls.' },
          { type: 'tool_call', id: 'call_1', name: 'get_weather', arguments: '{"city":"Paris"}' },
          { type: 'tool_call', id: 'call_2', name: 'get_weather', arguments: '{"city":"Rome"}' },
        ],
      },
      {
        role: 'user',
        path: 'messages[2]',
        content: [
          { type: 'tool_result', toolCallId: 'call_1', content: [{ type: 'text', text: 'Sunny, 24C' }] },
          {
            type: 'tool_result',
            toolCallId: 'call_2',
            content: [
              { type: 'text', text: 'Rain, ' },
              { type: 'text', text: '18C' },
            ],
          },
        ],
      },
      { role: 'user', content: [{ type: 'text', text: 'Thanks' }], path: 'messages[4]' },
    ]);
  });

  it('reads an assistant refusal, as a field or a content part, as text', () => {
    const ir = parseChatRequest({
      model: 'm',
      messages: [
        user('Do something bad'),
        { role: 'assistant', content: [{ type: 'refusal', refusal: 'I cannot help with that.' }] },
        user('And now?'),
        { role: 'assistant', content: null, refusal: 'Still no.' },
      ],
    });
    expect(ir.messages[1]?.content).toEqual([{ type: 'text', text: 'I cannot help with that.' }]);
    expect(ir.messages[3]?.content).toEqual([{ type: 'text', text: 'Still no.' }]);
  });

  it('reads tools, tool choice, sampling, limits, format, reasoning and the end-user id', () => {
    const ir = parseChatRequest({
      ...base,
      tools: [
        {
          type: 'function',
          function: {
            name: 'get_weather',
            description: 'Current weather',
            parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
            strict: true,
          },
        },
        { type: 'function', function: { name: 'now' } },
      ],
      tool_choice: { type: 'function', function: { name: 'get_weather' } },
      parallel_tool_calls: false,
      max_completion_tokens: 512,
      temperature: 0.2,
      top_p: 0.9,
      stop: 'END',
      stream: true,
      stream_options: { include_usage: true },
      response_format: {
        type: 'json_schema',
        json_schema: { name: 'weather', schema: { type: 'object' }, strict: true, description: 'A report' },
      },
      reasoning_effort: 'medium',
      user: 'legacy-user',
      safety_identifier: 'user-123',
    });
    expect(ir).toMatchObject({
      tools: [
        {
          name: 'get_weather',
          description: 'Current weather',
          parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
          strict: true,
        },
        { name: 'now', parameters: { type: 'object', properties: {} } },
      ],
      toolChoice: { type: 'tool', name: 'get_weather' },
      parallelToolCalls: false,
      maxTokens: 512,
      temperature: 0.2,
      topP: 0.9,
      stopSequences: ['END'],
      stream: true,
      responseFormat: {
        type: 'json_schema',
        name: 'weather',
        schema: { type: 'object' },
        strict: true,
        description: 'A report',
      },
      reasoning: { effort: 'medium' },
      user: 'user-123',
    });
  });

  it('reads the string tool choices, a stop list, max_tokens and json_object', () => {
    for (const choice of ['none', 'auto', 'required'] as const) {
      expect(parseChatRequest({ ...base, tool_choice: choice }).toolChoice).toEqual({ type: choice });
    }
    const ir = parseChatRequest({
      ...base,
      stop: ['a', 'b'],
      max_tokens: 64,
      response_format: { type: 'json_object' },
    });
    expect(ir).toMatchObject({ stopSequences: ['a', 'b'], maxTokens: 64, responseFormat: { type: 'json_object' } });
    expect(parseChatRequest({ ...base, user: 'u-1' }).user).toBe('u-1');
  });

  it('reads reasoning_effort "none" as the IR effort none (no reasoning)', () => {
    expect(parseChatRequest({ ...base, reasoning_effort: 'none' }).reasoning).toEqual({ effort: 'none' });
  });

  it('accepts parameters at their default values and drops the documented hints', () => {
    const ir = parseChatRequest({
      ...base,
      n: 1,
      logprobs: false,
      top_logprobs: 0,
      logit_bias: {},
      modalities: ['text'],
      verbosity: 'medium',
      store: true,
      metadata: { team: 'a' },
      service_tier: 'auto',
      prompt_cache_key: 'k',
      prompt_cache_retention: '24h',
    });
    expect(ir).toEqual(parseChatRequest(base));
  });
});

describe('parseChatRequest sampling', () => {
  it('reads the seed and both penalties into the IR, a null as unset', () => {
    const ir = parseChatRequest({ ...base, seed: -7, presence_penalty: 2, frequency_penalty: -0.5 });
    expect(ir).toMatchObject({ seed: -7, presencePenalty: 2, frequencyPenalty: -0.5 });
    expect(parseChatRequest({ ...base, seed: null })).not.toHaveProperty('seed');
  });
});

describe('parseChatRequest rejections', () => {
  const cases: Array<[string, Record<string, unknown>, string]> = [
    ['n above 1', { n: 2 }, 'n'],
    ['logprobs', { logprobs: true }, 'logprobs'],
    ['top_logprobs', { top_logprobs: 3 }, 'top_logprobs'],
    ['a seed that is no integer', { seed: 4.2 }, 'seed'],
    ['logit_bias', { logit_bias: { '50256': -100 } }, 'logit_bias'],
    ['a frequency penalty above 2', { frequency_penalty: 2.5 }, 'frequency_penalty'],
    ['a presence penalty below -2', { presence_penalty: -3 }, 'presence_penalty'],
    ['audio output', { audio: { voice: 'alloy', format: 'wav' } }, 'audio'],
    ['audio modality', { modalities: ['text', 'audio'] }, 'modalities'],
    ['predicted output', { prediction: { type: 'content', content: 'x' } }, 'prediction'],
    ['web search', { web_search_options: {} }, 'web_search_options'],
    ['deprecated functions', { functions: [{ name: 'f' }] }, 'functions'],
    ['deprecated function_call', { function_call: 'auto' }, 'function_call'],
    ['a verbosity OpenAI has not', { verbosity: 'terse' }, 'verbosity'],
    ['moderation', { moderation: { model: 'omni-moderation-latest' } }, 'moderation'],
    ['an unknown top-level field', { vendor_extension: true }, 'vendor_extension'],
    [
      'a non-function tool',
      {
        tools: [
          { type: 'function', function: { name: 'a' } },
          { type: 'custom', custom: { name: 'b' } },
        ],
      },
      'tools[1].type',
    ],
    [
      'an allowed_tools choice naming a tool not given',
      {
        tools: [{ type: 'function', function: { name: 'a' } }],
        tool_choice: {
          type: 'allowed_tools',
          allowed_tools: { mode: 'auto', tools: [{ type: 'function', function: { name: 'b' } }] },
        },
      },
      'tool_choice.allowed_tools.tools[0]',
    ],
    ['an unknown tool choice', { tool_choice: 'any' }, 'tool_choice'],
    ['an effort above high', { reasoning_effort: 'xhigh' }, 'reasoning_effort'],
    ['an unknown response format', { response_format: { type: 'xml' } }, 'response_format.type'],
    ['disagreeing limits', { max_tokens: 10, max_completion_tokens: 20 }, 'max_tokens'],
    ['a non-integer limit', { max_tokens: 1.5 }, 'max_tokens'],
    ['a zero limit', { max_completion_tokens: 0 }, 'max_completion_tokens'],
    ['a string temperature', { temperature: 'hot' }, 'temperature'],
    ['top_p above 1', { top_p: 2 }, 'top_p'],
    ['a non-string stop', { stop: ['ok', 1] }, 'stop[1]'],
    ['non-boolean stream', { stream: 'yes' }, 'stream'],
    ['non-boolean include_usage', { stream_options: { include_usage: 1 } }, 'stream_options.include_usage'],
    [
      'a tool schema that is not an object',
      { tools: [{ type: 'function', function: { name: 'a', parameters: 'x' } }] },
      'tools[0].function.parameters',
    ],
    ['a tool without a name', { tools: [{ type: 'function', function: {} }] }, 'tools[0].function.name'],
    ['a missing model', { model: undefined }, 'model'],
    ['a numeric model', { model: 7 }, 'model'],
    ['missing messages', { messages: undefined }, 'messages'],
    ['empty messages', { messages: [] }, 'messages'],
  ];

  it.each(cases)('rejects %s with a 400 naming the field', (_name, overrides, param) => {
    const error = rejection({ ...base, ...overrides });
    expect(error.status).toBe(400);
    expect(error.param).toBe(param);
  });

  const messageCases: Array<[string, unknown[], string]> = [
    ['the function role', [user('hi'), { role: 'function', name: 'f', content: 'x' }], 'messages[1].role'],
    ['an unknown role', [{ role: 'narrator', content: 'x' }], 'messages[0].role'],
    ['a participant name', [{ role: 'user', name: 'alice', content: 'hi' }], 'messages[0].name'],
    [
      'audio input',
      [
        user([
          { type: 'text', text: 'listen' },
          { type: 'input_audio', input_audio: { data: 'AA==', format: 'wav' } },
        ]),
      ],
      'messages[0].content[1].type',
    ],
    ['an unknown part type', [user([{ type: 'video', video: {} }])], 'messages[0].content[0].type'],
    [
      'an image URL that is neither http(s) nor data',
      [user([{ type: 'image_url', image_url: { url: 'ftp://x/y.png' } }])],
      'messages[0].content[0].image_url.url',
    ],
    [
      'an invalid image detail',
      [user([{ type: 'image_url', image_url: { url: 'https://x/y.png', detail: 'max' } }])],
      'messages[0].content[0].image_url.detail',
    ],
    [
      'a stored file id',
      [user([{ type: 'file', file: { file_id: 'file-abc' } }])],
      'messages[0].content[0].file.file_id',
    ],
    [
      'file data that is not a data URL',
      [user([{ type: 'file', file: { file_data: 'JVBERi0=', filename: 'a.pdf' } }])],
      'messages[0].content[0].file.file_data',
    ],
    ['content of the wrong type', [user(42)], 'messages[0].content'],
    ['a message that is not an object', ['hello'], 'messages[0]'],
    [
      'an image in a system message',
      [{ role: 'system', content: [{ type: 'image_url', image_url: { url: 'https://x' } }] }],
      'messages[0].content[0].type',
    ],
    ['a tool message without tool_call_id', [{ role: 'tool', content: 'x' }], 'messages[0].tool_call_id'],
    [
      'a tool message with an image',
      [{ role: 'tool', tool_call_id: 'c', content: [{ type: 'image_url', image_url: { url: 'https://x' } }] }],
      'messages[0].content[0].type',
    ],
    ['an empty assistant message', [user('hi'), { role: 'assistant', content: null }], 'messages[1].content'],
    ['assistant audio', [user('hi'), { role: 'assistant', audio: { id: 'audio_1' } }], 'messages[1].audio'],
    [
      'an assistant function_call',
      [user('hi'), { role: 'assistant', content: null, function_call: { name: 'f', arguments: '{}' } }],
      'messages[1].function_call',
    ],
    [
      'a tool call that is not a function',
      [user('hi'), { role: 'assistant', tool_calls: [{ id: 'c', type: 'custom', custom: {} }] }],
      'messages[1].tool_calls[0].type',
    ],
    [
      'a tool call without an id',
      [user('hi'), { role: 'assistant', tool_calls: [{ type: 'function', function: { name: 'f', arguments: '{}' } }] }],
      'messages[1].tool_calls[0].id',
    ],
  ];

  it.each(messageCases)('rejects %s with a 400 naming the exact path', (_name, messages, param) => {
    const error = rejection({ model: 'm', messages });
    expect(error.status).toBe(400);
    expect(error.param).toBe(param);
  });

  it('says why a parameter is refused', () => {
    expect(rejection({ ...base, logit_bias: { '1': 5 } }).message).toMatch(/logit_bias.*not supported/);
    expect(rejection({ ...base, messages: [{ role: 'function', content: 'x' }] }).message).toMatch(
      /deprecated 'function' role/,
    );
  });
});
