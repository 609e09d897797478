import { describe, expect, it } from 'vitest';
import type { EncodeContext } from '../contract.js';
import type { IrResponse, IrStopReason } from '../ir/types.js';
import { chatCompletionText } from './completion-text.js';
import { chatCompletion } from './response-to-client.js';

function context(createdAt = 1_700_000_000): EncodeContext {
  let next = 0;
  return { clientRequest: {}, createdAt, newId: (prefix) => `${prefix}gen${++next}` };
}

const usage = {
  inputTokens: 2095,
  outputTokens: 503,
  cacheReadTokens: 2048,
  cacheWriteTokens: 30,
  reasoningTokens: 200,
};

function response(overrides: Partial<IrResponse> = {}): IrResponse {
  return {
    id: 'msg_01XFDUDYJgAACzvnptvVoYEL',
    model: 'claude-sonnet-4-5',
    content: [{ type: 'text', text: 'Hi!' }],
    stopReason: 'end_turn',
    usage,
    ...overrides,
  };
}

describe('chatCompletion', () => {
  it('encodes thinking, split text and parallel tool calls as one assistant message with the upstream ids', () => {
    const encoded = chatCompletion(
      response({
        content: [
          { type: 'thinking', text: 'Two lookups needed.', signature: 'EqQBCgIYAhIM' },
          { type: 'redacted_thinking', data: 'EmwKAhgBEgy3va3pzix' },
          { type: 'text', text: 'According to the docs, ' },
          { type: 'text', text: 'I will check both cities.' },
          {
            type: 'tool_call',
            id: 'toolu_01A09q90qw90lq917835lq9',
            name: 'get_weather',
            arguments: '{"city":"Paris"}',
          },
          { type: 'tool_call', id: 'toolu_01B', name: 'get_weather', arguments: '{"city":"Rome"}' },
        ],
        stopReason: 'tool_use',
      }),
      context(),
    );
    expect(encoded).toEqual({
      id: 'msg_01XFDUDYJgAACzvnptvVoYEL',
      object: 'chat.completion',
      created: 1_700_000_000,
      model: 'claude-sonnet-4-5',
      choices: [
        {
          index: 0,
          message: {
            role: 'assistant',
            content: 'According to the docs, I will check both cities.',
            refusal: null,
            reasoning_content: 'Two lookups needed.',
            tool_calls: [
              {
                id: 'toolu_01A09q90qw90lq917835lq9',
                type: 'function',
                function: { name: 'get_weather', arguments: '{"city":"Paris"}' },
              },
              { id: 'toolu_01B', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Rome"}' } },
            ],
          },
          logprobs: null,
          finish_reason: 'tool_calls',
        },
      ],
      usage: {
        prompt_tokens: 2095,
        completion_tokens: 503,
        total_tokens: 2598,
        prompt_tokens_details: { cached_tokens: 2048 },
        completion_tokens_details: { reasoning_tokens: 200 },
      },
    });
  });

  it('sends null content when the model only called tools, and no reasoning_content without thinking', () => {
    const encoded = chatCompletion(
      response({ content: [{ type: 'tool_call', id: 'toolu_1', name: 'f', arguments: '{}' }], stopReason: 'tool_use' }),
      context(),
    );
    expect(encoded.choices[0].message.content).toBeNull();
    expect(encoded.choices[0].message).not.toHaveProperty('reasoning_content');
  });

  it.each<[IrStopReason, string]>([
    ['end_turn', 'stop'],
    ['stop_sequence', 'stop'],
    ['pause_turn', 'stop'],
    ['max_tokens', 'length'],
    ['tool_use', 'tool_calls'],
    ['content_filter', 'content_filter'],
    ['refusal', 'content_filter'],
  ])('maps stop reason %s to finish_reason %s', (stopReason, finishReason) => {
    expect(chatCompletion(response({ stopReason }), context()).choices[0].finish_reason).toBe(finishReason);
  });

  it('makes ids from the context when the upstream gave none', () => {
    const encoded = chatCompletion(
      response({ id: '', content: [{ type: 'tool_call', id: '', name: 'f', arguments: '{}' }] }),
      context(),
    );
    expect(encoded.choices[0].message.tool_calls?.[0]?.id).toBe('call_gen1');
    expect(encoded.id).toBe('chatcmpl-gen2');
  });
});

/** The text must be what the object serialised gives, ids minted included. */
function expectSameBytes(answer: IrResponse, createdAt?: number): void {
  expect(chatCompletionText(answer, context(createdAt))).toBe(
    JSON.stringify(chatCompletion(answer, context(createdAt))),
  );
}

describe('chatCompletionText', () => {
  it('writes a text answer as JSON.stringify writes the chat.completion', () => {
    const text = chatCompletionText(response(), context());
    expect(text).toBe(JSON.stringify(chatCompletion(response(), context())));
    expect(JSON.parse(text).choices[0].message.content).toBe('Hi!');
  });

  it('writes thinking, split text, parallel calls with and without ids, and reasoning tokens the same', () => {
    expectSameBytes(
      response({
        id: '',
        content: [
          { type: 'thinking', text: 'Two lookups.', signature: 'EqQB' },
          { type: 'redacted_thinking', data: 'Emw' },
          { type: 'text', text: 'According to the docs, ' },
          { type: 'thinking', text: ' And a third.' },
          { type: 'text', text: 'I will check "both" cities\n\t\u2028 é 😀 \ud800.' },
          { type: 'tool_call', id: 'toolu_01A', name: 'get_weather', arguments: '{"city":"Paris"}' },
          { type: 'tool_call', id: '', name: 'get/weather\u0001', arguments: '' },
        ],
        stopReason: 'tool_use',
        usage,
      }),
    );
  });

  it('writes an answer without text as content null, and every finish reason the same', () => {
    for (const stopReason of ['max_tokens', 'content_filter', 'refusal', 'stop_sequence', 'pause_turn'] as const) {
      expectSameBytes(response({ content: [], stopReason, model: '' }));
    }
    expectSameBytes(response({ content: [{ type: 'text', text: '' }] }));
  });

  it('leaves to JSON.stringify what the types do not promise, so the bytes still agree', () => {
    const odd = (fields: Record<string, unknown>) => ({ ...response(), ...fields }) as unknown as IrResponse;
    const cases = [
      odd({ id: undefined }),
      odd({ model: 7 }),
      odd({ stopReason: 'unheard_of' }),
      odd({ usage: { ...usage, inputTokens: '12' } }),
      odd({ usage: { ...usage, outputTokens: Number.NaN } }),
      odd({ usage: { ...usage, cacheReadTokens: undefined } }),
      odd({ usage: { ...usage, inputTokens: 1e308, outputTokens: 1e308 } }),
      odd({ usage: { ...usage, reasoningTokens: null } }),
      odd({ usage: { ...usage, reasoningTokens: undefined } }),
      odd({ content: [{ type: 'text', text: undefined }] }),
      odd({ content: [{ type: 'tool_call', id: 42, name: 'f', arguments: '{}' }] }),
      odd({ content: [{ type: 'tool_call', id: 'c', name: 'f', arguments: { a: 1 } }] }),
    ];
    for (const answer of cases) expectSameBytes(answer);
    expectSameBytes(response(), Number.POSITIVE_INFINITY);
  });
});
