import { describe, expect, it } from 'vitest';
import { globMatches, modelMatcher } from './model-patterns.js';

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

  it('matches globs as the docs say: * any run, ? one character, the rest literal', () => {
    const cases: Array<[string, string, boolean]> = [
      ['*', '', true],
      ['*', 'anything', true],
      ['', '', true],
      ['', 'a', false],
      ['gpt-4o*', 'gpt-4o', true],
      ['gpt-4o*', 'gpt-4', false],
      ['*-mini', 'gpt-4o-mini', true],
      ['*-mini', 'gpt-4o-mini-2', false],
      ['claude-?-haiku', 'claude-3-haiku', true],
      ['claude-?-haiku', 'claude--haiku', false],
      ['a*b*c', 'aXbYbZc', true],
      ['a*b*c', 'aXbYbZ', false],
      ['gpt-4o.*', 'gpt-4o-mini', false],
      ['gpt-4o.*', 'gpt-4o.x', true],
      ['[a]+(b)', '[a]+(b)', true],
      ['**?', 'x', true],
      ['**?', '', false],
    ];
    for (const [pattern, name, expected] of cases)
      expect(globMatches(pattern, name), `${pattern} ~ ${name}`).toBe(expected);
  });

  it('answers a name built to make a backtracking matcher take seconds at once', () => {
    const matches = modelMatcher(['*-*-*-*x']);
    const started = performance.now();
    expect(matches('-'.repeat(5_000))).toBe(false);
    expect(matches(`${'-'.repeat(5_000)}x`)).toBe(true);
    // The RegExp this replaced took over a second for 200 dashes; this takes well under a millisecond a call.
    expect(performance.now() - started).toBeLessThan(250);
  });
});
