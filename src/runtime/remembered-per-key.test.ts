import { describe, expect, it } from 'vitest';
import { rememberedPerKey } from './remembered-per-key.js';

describe('rememberedPerKey', () => {
  it('computes a key once, an undefined answer included', () => {
    const calls: string[] = [];
    const lookup = rememberedPerKey((key) => {
      calls.push(key);
      return key === 'known' ? 1 : undefined;
    }, 10);
    for (let i = 0; i < 3; i++) {
      expect(lookup('known')).toBe(1);
      expect(lookup('unknown')).toBeUndefined();
    }
    expect(calls).toEqual(['known', 'unknown']);
  });

  it('remembers at most `max` keys and still answers for the rest', () => {
    const calls: string[] = [];
    const lookup = rememberedPerKey((key) => {
      calls.push(key);
      return key.length;
    }, 2);
    for (const key of ['a', 'bb', 'ccc', 'ccc', 'a']) lookup(key);
    expect(lookup('ccc')).toBe(3);
    expect(calls).toEqual(['a', 'bb', 'ccc', 'ccc', 'ccc']);
  });
});
