import { describe, expect, it } from 'vitest';
import { knownMaxOutputTokens } from './model-output-limits.js';

describe('knownMaxOutputTokens', () => {
  it('knows a model by its exact name and by a dated snapshot of it', () => {
    expect(knownMaxOutputTokens('claude-sonnet-4-5')).toBe(64_000);
    expect(knownMaxOutputTokens('claude-sonnet-4-5-20250929')).toBe(64_000);
  });

  it('prefers the longest matching name', () => {
    expect(knownMaxOutputTokens('claude-opus-4-1-20250805')).toBe(32_000);
    expect(knownMaxOutputTokens('claude-opus-4-6')).toBe(128_000);
    expect(knownMaxOutputTokens('gpt-4o-mini')).toBe(16_384);
  });

  it('does not match a name that only starts with the same letters', () => {
    expect(knownMaxOutputTokens('o3x')).toBeUndefined();
    expect(knownMaxOutputTokens('my-local-model')).toBeUndefined();
  });
});
