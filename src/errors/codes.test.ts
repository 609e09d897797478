import { describe, expect, it } from 'vitest';
import { errors } from './codes.js';

describe('errors.upstreamFailed', () => {
  it.each([
    [529, 'overloaded'],
    [503, 'overloaded'],
    [429, 'rate_limit'],
    [504, 'timeout'],
    [500, 'upstream'],
    [502, 'upstream'],
  ] as const)('classifies status %i as %s', (status, kind) => {
    expect(errors.upstreamFailed('the only target failed', status).kind).toBe(kind);
  });
});

describe('errors.unknownModel', () => {
  it('quotes at most 256 characters of the model the client sent', () => {
    const message = errors.unknownModel('m'.repeat(4 * 1024 * 1024)).message;
    expect(message.length).toBeLessThan(400);
    expect(message).toContain(`"${'m'.repeat(256)}…"`);
  });
});
