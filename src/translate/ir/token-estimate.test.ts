import { describe, expect, it } from 'vitest';
import { estimateInputTokens } from './token-estimate.js';
import type { IrRequest } from './types.js';

const words = (text: string) => text.split(/\s+/).filter(Boolean).length;

const base: IrRequest = { model: 'm', system: [], messages: [], tools: [], stopSequences: [], stream: false };

describe('estimateInputTokens', () => {
  it('counts system, message text and the per-message overheads', () => {
    const request: IrRequest = {
      ...base,
      system: [{ type: 'text', text: 'be brief' }],
      messages: [{ role: 'user', content: [{ type: 'text', text: 'one two three' }] }],
    };
    expect(estimateInputTokens(request, words)).toBe(3 + (3 + 2) + (3 + 3));
  });

  it('grows with tool definitions, tool calls and images', () => {
    const plain = estimateInputTokens(
      { ...base, messages: [{ role: 'user', content: [{ type: 'text', text: 'hi' }] }] },
      words,
    );
    const rich = estimateInputTokens(
      {
        ...base,
        messages: [
          {
            role: 'user',
            content: [
              { type: 'text', text: 'hi' },
              { type: 'image', source: { kind: 'url', url: 'https://example.com/a.png' } },
            ],
          },
          {
            role: 'assistant',
            content: [{ type: 'tool_call', id: 'c1', name: 'get_weather', arguments: '{"city": "Paris"}' }],
          },
        ],
        tools: [{ name: 'get_weather', description: 'Weather for a city', parameters: { type: 'object' } }],
      },
      words,
    );
    expect(rich).toBeGreaterThan(plain + 1_000);
  });
});
