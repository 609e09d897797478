import { describe, expect, it } from 'vitest';
import { forwardedTail } from './sse-tail.js';

describe('forwardedTail', () => {
  it('ends a whole last event with its blank line', () => {
    expect(forwardedTail(Buffer.from('data: {"a":1}'))?.toString()).toBe('data: {"a":1}\n\n');
    expect(forwardedTail(Buffer.from('data: [DONE]\n'))?.toString()).toBe('data: [DONE]\n\n\n');
    expect(forwardedTail(Buffer.from('event: ping\ndata: {"type":"ping"}'))?.toString()).toBe(
      'event: ping\ndata: {"type":"ping"}\n\n',
    );
  });

  it('drops an event cut inside its data, or bytes that are no event', () => {
    expect(forwardedTail(Buffer.from('data: {"choices":[{"delta":{"content":"Hel'))).toBeUndefined();
    expect(forwardedTail(Buffer.from('event: content_block_delta\n'))).toBeUndefined();
    expect(forwardedTail(Buffer.from(': keep-alive'))).toBeUndefined();
  });
});
