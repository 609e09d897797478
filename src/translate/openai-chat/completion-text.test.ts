import { describe, expect, it } from 'vitest';
import type { EncodeContext } from '../contract.js';
import type { IrResponse } from '../ir/types.js';
import { chatCompletionText } from './completion-text.js';
import { chatCompletion } from './response-to-client.js';

function context(createdAt = 1_700_000_000): EncodeContext {
  let next = 0;
  return { clientRequest: {}, createdAt, newId: (prefix) => `${prefix}gen${++next}` };
}

const usage = { inputTokens: 2095, outputTokens: 503, cacheReadTokens: 2048, cacheWriteTokens: 30 };

function response(overrides: Partial<IrResponse> = {}): IrResponse {
  return {
    id: 'msg_01XFDUDYJgAACzvnptvVoYEL',
    model: 'gemini-2.5-flash',
    content: [{ type: 'text', text: 'Hi!' }],
    stopReason: 'end_turn',
    usage,
    ...overrides,
  };
}

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
        usage: { ...usage, reasoningTokens: 200 },
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
      odd({ content: [{ type: 'text', text: undefined }] }),
      odd({ content: [{ type: 'tool_call', id: 42, name: 'f', arguments: '{}' }] }),
      odd({ content: [{ type: 'tool_call', id: 'c', name: 'f', arguments: { a: 1 } }] }),
    ];
    for (const answer of cases) expectSameBytes(answer);
    expectSameBytes(response(), Number.POSITIVE_INFINITY);
  });
});
