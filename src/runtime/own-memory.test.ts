import { describe, expect, it } from 'vitest';
import { ownMemory } from './own-memory.js';

describe('ownMemory', () => {
  it('copies a small pooled buffer into memory of its own, so a move carries only its bytes', () => {
    const pooled = Buffer.concat([Buffer.from('{"a":1}')]);
    expect(pooled.buffer.byteLength).toBeGreaterThan(pooled.length); // Node's pool slab
    const own = ownMemory(pooled);
    expect(own.byteOffset).toBe(0);
    expect(own.buffer.byteLength).toBe(own.length);
    expect(own.toString()).toBe('{"a":1}');
  });

  it('keeps a buffer that already spans all of its memory', () => {
    const whole = Buffer.alloc(64 * 1024, 1);
    expect(ownMemory(whole)).toBe(whole);
  });

  it('copies a view into a larger array into a plain array of its own', () => {
    const whole = new Uint8Array([1, 2, 3, 4, 5]);
    const own = ownMemory(whole.subarray(1, 3));
    expect(Buffer.isBuffer(own)).toBe(false);
    expect(own.buffer.byteLength).toBe(2);
    expect([...own]).toEqual([2, 3]);
  });
});
