import { describe, expect, it } from 'vitest';
import { findUsageObject } from './openai-usage.js';

describe('findUsageObject', () => {
  it('finds the top-level usage object without parsing the document', () => {
    const body = Buffer.from(
      JSON.stringify({ choices: [{ message: { content: 'the word "usage" in text' } }], usage: { prompt_tokens: 3 } }),
    );
    expect(findUsageObject(body)).toEqual({ prompt_tokens: 3 });
  });

  it('ignores "usage" appearing as a string value', () => {
    const body = Buffer.from('{"content":"usage","usage":{"prompt_tokens":1,"nested":{"a":"}"}}}');
    expect(findUsageObject(body)).toEqual({ prompt_tokens: 1, nested: { a: '}' } });
  });

  it('returns undefined for null or missing usage', () => {
    expect(findUsageObject(Buffer.from('{"usage":null}'))).toBeUndefined();
    expect(findUsageObject(Buffer.from('{"choices":[]}'))).toBeUndefined();
  });
});
