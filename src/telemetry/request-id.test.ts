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

  it('spells the time in 10 Crockford base32 characters and 16 random ones after "req_"', () => {
    const id = newRequestId(1_700_000_000_000);
    expect(id).toMatch(/^req_[0-9a-hjkmnp-tv-z]{26}$/);
    expect(id.slice(4, 14)).toBe('01hf7yat00');
    expect(newRequestId(0).slice(0, 14)).toBe('req_0000000000');
  });

  it('returns ids that later calls leave unchanged', () => {
    const first = newRequestId(1_700_000_000_000);
    const copy = `${first}`;
    newRequestId(1_800_000_000_000);
    expect(first).toBe(copy);
    expect(first.length).toBe(30);
  });
});
