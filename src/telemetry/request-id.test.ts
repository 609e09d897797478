import { describe, expect, it } from 'vitest';
import { newRequestId } from './request-id.js';

describe('newRequestId', () => {
  it('sorts by time, so `before=<id>` pages by time', () => {
    const older = newRequestId(1_700_000_000_000);
    const newer = newRequestId(1_700_000_000_001);
    expect(older < newer).toBe(true);
  });

  it('is unique across many calls in the same millisecond', () => {
    const ids = new Set(Array.from({ length: 10_000 }, () => newRequestId(1_700_000_000_000)));
    expect(ids.size).toBe(10_000);
  });
});
