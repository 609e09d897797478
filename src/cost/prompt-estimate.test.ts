import { describe, expect, it } from 'vitest';
import { estimatePromptTokens } from './prompt-estimate.js';

const bytes = (value: unknown) => Buffer.from(typeof value === 'string' ? value : JSON.stringify(value));

describe('estimatePromptTokens', () => {
  it('counts about four characters a token of the prompt, and a few tokens a message', () => {
    const body = { model: 'm'.repeat(400), messages: [{ role: 'user', content: 'abcd'.repeat(100) }] };
    expect(estimatePromptTokens(bytes(body))).toBe(100 + 4 + 1);
  });

  it('leaves media out: data URLs and base64 data', () => {
    const body = {
      messages: [
        {
          role: 'user',
          content: [
            { type: 'image_url', image_url: { url: `data:image/png;base64,${'A'.repeat(10_000)}` } },
            { type: 'image', source: { type: 'base64', media_type: 'image/png', data: 'A'.repeat(10_000) } },
            { type: 'input_image', image_url: `data:image/png;base64,${'A'.repeat(10_000)}` },
          ],
        },
      ],
    };
    expect(estimatePromptTokens(bytes(body))).toBeLessThan(20);
  });

  it('counts tool definitions, which the provider bills as input', () => {
    const tools = [{ type: 'function', function: { name: 'f', description: 'd'.repeat(4_000) } }];
    expect(estimatePromptTokens(bytes({ messages: [], tools }))).toBeGreaterThanOrEqual(1_000);
  });

  it('is 0 for no body or one that is not JSON, and survives nesting deeper than the call stack', () => {
    expect(estimatePromptTokens(undefined)).toBe(0);
    expect(estimatePromptTokens(bytes('not json'))).toBe(0);
    const deep = `${'['.repeat(200_000)}"abcd"${']'.repeat(200_000)}`;
    expect(estimatePromptTokens(bytes(deep))).toBe(1);
  });
});
