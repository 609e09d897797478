import { describe, expect, it } from 'vitest';
import { MAX_SESSION_ID, sessionKey } from './session-id.js';

describe('sessionKey', () => {
  it('is a short digest of the same size for any id, the same for the same id', () => {
    const short = sessionKey('x-session-id', 'a');
    const long = sessionKey('x-session-id', 'b'.repeat(MAX_SESSION_ID));
    expect(short).toHaveLength(22);
    expect(long).toHaveLength(22);
    expect(sessionKey('x-session-id', 'a')).toBe(short);
    expect(long).not.toBe(short);
  });

  it('refuses an id longer than the limit with a 400', () => {
    expect(() => sessionKey('x-session-id', 'c'.repeat(15_000))).toThrow(
      expect.objectContaining({ status: 400, param: 'x-session-id' }),
    );
  });
});
