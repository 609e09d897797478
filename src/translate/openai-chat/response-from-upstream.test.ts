import { describe, expect, it } from 'vitest';
import { GatewayError } from '../../errors/gateway-error.js';
import { decodeChatResponse } from './response-from-upstream.js';

const completion = (message: Record<string, unknown>, finishReason: string | null = 'stop', extra: object = {}) => ({
  id: 'chatcmpl-123',
  object: 'chat.completion',
  created: 1677652288,
  model: 'gpt-4o-mini',
  choices: [{ index: 0, message: { role: 'assistant', ...message }, logprobs: null, finish_reason: finishReason }],
  ...extra,
});

describe('decodeChatResponse', () => {
  it('decodes a text completion with cached-token usage', () => {
    const body = completion(
      { content: 'Hello there, how may I assist you today?', refusal: null, annotations: [] },
      'stop',
      {
        usage: {
          prompt_tokens: 2006,
          completion_tokens: 12,
          total_tokens: 2018,
          prompt_tokens_details: { cached_tokens: 1920, audio_tokens: 0 },
          completion_tokens_details: { reasoning_tokens: 0, audio_tokens: 0 },
        },
      },
    );
    expect(decodeChatResponse(body)).toEqual({
      id: 'chatcmpl-123',
      model: 'gpt-4o-mini',
      content: [{ type: 'text', text: 'Hello there, how may I assist you today?' }],
      stopReason: 'end_turn',
      usage: { inputTokens: 2006, outputTokens: 12, cacheReadTokens: 1920, cacheWriteTokens: 0, reasoningTokens: 0 },
    });
  });

  it('rejects an answer DeepSeek cut short for lack of capacity as overloaded (529, which OpenAI clients get as 503), not a finished turn', () => {
    const decode = () => decodeChatResponse(completion({ content: 'partial' }, 'insufficient_system_resource'));
    expect(decode).toThrow(GatewayError);
    expect(decode).toThrow(expect.objectContaining({ status: 529, kind: 'overloaded' }));
  });

  it('decodes parallel tool calls with null content', () => {
    const body = completion(
      {
        content: null,
        tool_calls: [
          { id: 'call_abc', type: 'function', function: { name: 'get_weather', arguments: '{"location":"Paris"}' } },
          { id: 'call_def', type: 'function', function: { name: 'get_weather', arguments: '{"location":"Rome"}' } },
        ],
      },
      'tool_calls',
    );
    const response = decodeChatResponse(body);
    expect(response.content).toEqual([
      { type: 'tool_call', id: 'call_abc', name: 'get_weather', arguments: '{"location":"Paris"}' },
      { type: 'tool_call', id: 'call_def', name: 'get_weather', arguments: '{"location":"Rome"}' },
    ]);
    expect(response.stopReason).toBe('tool_use');
  });

  it('decodes DeepSeek reasoning_content as thinking ahead of the text, with reasoning tokens and cache hits', () => {
    const body = {
      id: '931809f8-3d1c-44d9-b124-367d05e0f123',
      object: 'chat.completion',
      created: 1739092483,
      model: 'deepseek-reasoner',
      choices: [
        {
          index: 0,
          message: {
            role: 'assistant',
            content: 'Hello! How can I assist you today?',
            reasoning_content: 'Okay, the user wrote "hello".',
          },
          logprobs: null,
          finish_reason: 'stop',
        },
      ],
      usage: {
        prompt_tokens: 6,
        completion_tokens: 92,
        total_tokens: 98,
        completion_tokens_details: { reasoning_tokens: 81 },
        prompt_cache_hit_tokens: 4,
        prompt_cache_miss_tokens: 2,
      },
    };
    expect(decodeChatResponse(body)).toMatchObject({
      content: [
        { type: 'thinking', text: 'Okay, the user wrote "hello".' },
        { type: 'text', text: 'Hello! How can I assist you today?' },
      ],
      usage: { inputTokens: 6, outputTokens: 92, cacheReadTokens: 4, reasoningTokens: 81 },
    });
  });

  it('decodes the `reasoning` field of OpenRouter and Ollama as thinking', () => {
    const response = decodeChatResponse(completion({ content: '42', reasoning: 'Six times seven.' }));
    expect(response.content[0]).toEqual({ type: 'thinking', text: 'Six times seven.' });
  });

  it('decodes a refusal as text with stop reason refusal', () => {
    const response = decodeChatResponse(completion({ content: null, refusal: "I'm sorry, I can't help with that." }));
    expect(response.content).toEqual([{ type: 'text', text: "I'm sorry, I can't help with that." }]);
    expect(response.stopReason).toBe('refusal');
  });

  it('maps the length and content_filter finish reasons and a matched stop string', () => {
    expect(decodeChatResponse(completion({ content: 'cut' }, 'length')).stopReason).toBe('max_tokens');
    expect(decodeChatResponse(completion({ content: '' }, 'content_filter')).stopReason).toBe('content_filter');
    const body = completion({ content: 'a' });
    (body.choices[0] as Record<string, unknown>).stop_reason = 'END';
    expect(decodeChatResponse(body)).toMatchObject({ stopReason: 'stop_sequence', stopSequence: 'END' });
  });

  it('reads tool calls that end with finish_reason stop (a named tool_choice, vLLM, Ollama) as tool use', () => {
    const call = { id: 'call_1', type: 'function', function: { name: 'get_time', arguments: '{}' } };
    expect(decodeChatResponse(completion({ content: null, tool_calls: [call] }, 'stop')).stopReason).toBe('tool_use');
  });

  it('reads finish_reason tool_calls with no tool call (a failed tool-call parser) as the end of the turn', () => {
    expect(decodeChatResponse(completion({ content: 'Done.' }, 'tool_calls')).stopReason).toBe('end_turn');
    expect(decodeChatResponse(completion({ content: 'Done.', tool_calls: [] }, 'tool_calls')).stopReason).toBe(
      'end_turn',
    );
  });

  it('gives a call with empty arguments `{}`, as a tool without parameters is called', () => {
    const call = { id: 'call_1', type: 'function', function: { name: 'get_time', arguments: '' } };
    const response = decodeChatResponse(completion({ content: null, tool_calls: [call] }, 'tool_calls'));
    expect(response.content).toEqual([{ type: 'tool_call', id: 'call_1', name: 'get_time', arguments: '{}' }]);
  });

  it('counts zero usage when the upstream reports none and keeps arguments sent as an object', () => {
    const body = completion(
      { content: null, tool_calls: [{ id: 'c', type: 'function', function: { name: 'f', arguments: { a: 1 } } }] },
      null,
    );
    const response = decodeChatResponse(body);
    expect(response.usage).toEqual({ inputTokens: 0, outputTokens: 0, cacheReadTokens: 0, cacheWriteTokens: 0 });
    expect(response.content).toEqual([{ type: 'tool_call', id: 'c', name: 'f', arguments: '{"a":1}' }]);
    expect(response.stopReason).toBe('tool_use');
  });

  it('refuses a body that is not a chat completion with a 502', () => {
    for (const body of [null, 'text', { object: 'list', data: [] }, { choices: [] }]) {
      let error: unknown;
      try {
        decodeChatResponse(body);
      } catch (caught) {
        error = caught;
      }
      expect(error).toBeInstanceOf(GatewayError);
      expect((error as GatewayError).status).toBe(502);
    }
  });
});
