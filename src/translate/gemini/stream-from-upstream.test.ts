import { describe, expect, it } from 'vitest';
import type { IrStreamEvent } from '../ir/types.js';
import { GeminiStreamDecoder } from './stream-from-upstream.js';

/** An event as Google's serialiser writes it: `": "` after each key, none after commas. */
function spaced(value: unknown): string {
  return JSON.stringify(value).replace(/":/g, '": ');
}

const chunk = (parts: unknown[], usage: Record<string, unknown> | undefined, extra: Record<string, unknown> = {}) => ({
  candidates: [{ content: { parts, role: 'model' }, ...extra }],
  ...(usage ? { usageMetadata: usage } : {}),
  modelVersion: 'gemini-2.5-flash',
  responseId: 'resp-1',
});

function decodeAll(datas: readonly string[]): IrStreamEvent[] {
  const decoder = new GeminiStreamDecoder();
  return [...datas.flatMap((data) => decoder.decode({ event: undefined, data })), ...decoder.end()];
}

const running = { promptTokenCount: 7, totalTokenCount: 7, promptTokensDetails: [{ modality: 'TEXT', tokenCount: 7 }] };
const final = { promptTokenCount: 7, candidatesTokenCount: 3, totalTokenCount: 10 };

describe('GeminiStreamDecoder', () => {
  it.each([
    ['spaced', spaced],
    ['compact', JSON.stringify],
  ])('copies the text of %s text chunks as sent, starts with the prompt usage and takes the last usage', (_, write) => {
    const events = decodeAll([
      write(chunk([{ text: 'Wh' }], running)),
      write(chunk([{ text: 'is "<k>"\n' }], running)),
      write(chunk([{ text: 'ers' }], running, { index: 0 })),
      write(chunk([{ text: '.' }], final, { finishReason: 'STOP', index: 0 })),
    ]);
    expect(events).toEqual([
      // The prompt as Gemini counted it, for a stream cut before its final usage.
      { type: 'start', id: 'resp-1', model: 'gemini-2.5-flash', usage: { inputTokens: 7, cacheReadTokens: 0 } },
      { type: 'block_start', index: 0, block: { type: 'text' } },
      { type: 'text_delta', index: 0, text: 'Wh', quoted: '"Wh"' },
      { type: 'text_delta', index: 0, text: 'is "<k>"\n', quoted: '"is \\"<k>\\"\\n"' },
      { type: 'text_delta', index: 0, text: 'ers', quoted: '"ers"' },
      { type: 'text_delta', index: 0, text: '.', quoted: '"."' },
      { type: 'block_stop', index: 0 },
      {
        type: 'finish',
        stopReason: 'end_turn',
        usage: { inputTokens: 7, outputTokens: 3, cacheReadTokens: 0, cacheWriteTokens: 0 },
      },
    ]);
  });

  it('keeps a text literal with unicode escapes as Google wrote it', () => {
    const events = decodeAll([
      spaced(chunk([{ text: 'a' }], running)),
      '{"candidates": [{"content": {"parts": [{"text": "\\u003cb\\u003e"}],"role": "model"}}],"modelVersion": "m"}',
      spaced(chunk([], final, { finishReason: 'STOP' })),
    ]);
    expect(events[3]).toEqual({ type: 'text_delta', index: 0, text: '<b>', quoted: '"\\u003cb\\u003e"' });
  });

  it('takes usage from whichever event came last, shaped or parsed', () => {
    const thought = { text: 'hmm', thought: true };
    const events = decodeAll([
      spaced(chunk([{ text: 'a' }], running)),
      spaced(chunk([{ text: 'b' }], { promptTokenCount: 9, totalTokenCount: 9 })),
      spaced(chunk([thought], { promptTokenCount: 11, totalTokenCount: 11 })),
      spaced(chunk([{ text: 'c' }], { promptTokenCount: 9, totalTokenCount: 9 })),
      spaced(chunk([], undefined, { finishReason: 'STOP' })),
    ]);
    expect(events.at(-1)).toMatchObject({ type: 'finish', usage: { inputTokens: 9, outputTokens: 0 } });
  });

  it('parses text chunks of any other shape the same way, without a quoted copy', () => {
    const ratings = { safetyRatings: [{ category: 'HARM_CATEGORY_HATE_SPEECH', probability: 'NEGLIGIBLE' }] };
    const events = decodeAll([
      spaced(chunk([{ text: 'a' }], running)),
      spaced(chunk([{ text: 'b' }], running, ratings)),
      spaced(chunk([{ text: 'c' }, { text: 'd' }], running)),
      ` ${spaced(chunk([{ text: 'e' }], running))}`,
      spaced(chunk([], final, { finishReason: 'MAX_TOKENS' })),
    ]);
    expect(events.filter((event) => event.type === 'text_delta')).toEqual([
      { type: 'text_delta', index: 0, text: 'a', quoted: '"a"' },
      ...['b', 'c', 'd', 'e'].map((text) => ({ type: 'text_delta', index: 0, text })),
    ]);
    expect(events.at(-1)).toMatchObject({ type: 'finish', stopReason: 'max_tokens' });
  });

  it('refuses a text chunk that is not valid JSON', () => {
    const decoder = new GeminiStreamDecoder();
    decoder.decode({ event: undefined, data: spaced(chunk([{ text: 'a' }], running)) });
    const broken = spaced(chunk([{ text: 'b' }], running)).replace('"modelVersion"', '"modelVersion",');
    expect(() => decoder.decode({ event: undefined, data: broken })).toThrow(SyntaxError);
  });

  it('ends with the error of a failed finish that came in a text chunk', () => {
    const events = decodeAll([
      spaced(chunk([{ text: 'a' }], running)),
      spaced(chunk([{ text: 'b' }], final, { finishReason: 'OTHER', index: 0 })),
    ]);
    expect(events.at(-1)).toMatchObject({ type: 'error', kind: 'upstream' });
    expect(events.filter((event) => event.type === 'finish')).toEqual([]);
  });
});
