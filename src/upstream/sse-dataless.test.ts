import { describe, expect, it } from 'vitest';
import { hasEventLine } from './sse-dataless.js';

describe('hasEventLine', () => {
  it('finds a line that starts with event:, first or after an LF, and nothing else', () => {
    expect(hasEventLine('event: ping\n\n')).toBe(true);
    expect(hasEventLine('data: {"a":1}\n\nevent: ping\n\n')).toBe(true);
    expect(hasEventLine('data: {"a":1}\r\n\r\nevent: ping\r\n\r\n')).toBe(true);
    // Lines that merely begin like one, and event: inside a data line's JSON.
    expect(hasEventLine('data: {"a":1}\n\neventual: x\n\nevents: y\n\n')).toBe(false);
    expect(hasEventLine('data: {"content":"\\nevent: no"}\n\n')).toBe(false);
    expect(hasEventLine('data: x\n\nevent')).toBe(false);
    expect(hasEventLine('data: x\n\neventx\n\nevent:\n\n')).toBe(true);
  });
});
