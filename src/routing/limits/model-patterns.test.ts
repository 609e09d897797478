import { describe, expect, it } from 'vitest';
import { modelMatcher } from './model-patterns.js';

describe('modelMatcher', () => {
  it('gives the same answer for a name asked again as the first time (remembered, not re-tested)', () => {
    const matches = modelMatcher(['gpt-4o*', 'claude-?-haiku', 'exact-model']);
    for (let round = 0; round < 3; round++) {
      expect(matches('gpt-4o-mini')).toBe(true);
      expect(matches('gpt-4')).toBe(false);
      expect(matches('claude-3-haiku')).toBe(true);
      expect(matches('claude-35-haiku')).toBe(false);
      expect(matches('exact-model')).toBe(true);
      expect(matches('exact-model-2')).toBe(false);
    }
  });

  it('still answers correctly for names beyond what it remembers', () => {
    const matches = modelMatcher(['m-*']);
    for (let i = 0; i < 1_100; i++) expect(matches(`m-${i}`)).toBe(true);
    for (let i = 0; i < 1_100; i++) expect(matches(`n-${i}`)).toBe(false);
    expect(matches('m-1099')).toBe(true);
    expect(matches('n-1099')).toBe(false);
  });

  it('matches plain names exactly, without globs', () => {
    const matches = modelMatcher(['bench']);
    expect(matches('bench')).toBe(true);
    expect(matches('bench2')).toBe(false);
    expect(matches('Bench')).toBe(false);
  });
});
