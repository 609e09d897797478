import { describe, expect, it } from 'vitest';
import { PathMap } from './path-map.js';

describe('path map', () => {
  it('finds a value by its whole path only, and keeps paths that share a prefix apart', () => {
    const map = new PathMap<number>();
    map.set(['a', 'b', 'c'], 1);
    map.set(['a', 'b', 'd'], 2);
    map.set(['a', 'x', 'c'], 3);
    expect(map.get(['a', 'b', 'c'])).toBe(1);
    expect(map.get(['a', 'b', 'd'])).toBe(2);
    expect(map.get(['a', 'x', 'c'])).toBe(3);
    expect(map.get(['a', 'x', 'd'])).toBeUndefined();
    expect(map.get(['b', 'b', 'c'])).toBeUndefined();
  });

  it('does not confuse parts that a joined key would run together', () => {
    const map = new PathMap<string>();
    map.set(['ab', 'c'], 'first');
    map.set(['a', 'bc'], 'second');
    expect(map.get(['ab', 'c'])).toBe('first');
    expect(map.get(['a', 'bc'])).toBe('second');
  });
});
