import { describe, expect, it } from 'vitest';
import { retryAfterMs } from './retry-after.js';

describe('retryAfterMs', () => {
  it('reads seconds', () => {
    expect(retryAfterMs({ 'retry-after': '7' })).toBe(7000);
    expect(retryAfterMs({ 'retry-after': '0.5' })).toBe(500);
  });

  it('reads an HTTP date relative to now', () => {
    const now = Date.parse('Tue, 24 Nov 2026 10:00:00 GMT');
    expect(retryAfterMs({ 'retry-after': 'Tue, 24 Nov 2026 10:00:12 GMT' }, now)).toBe(12_000);
    expect(retryAfterMs({ 'retry-after': 'Tue, 24 Nov 2026 09:00:00 GMT' }, now)).toBe(0);
  });

  it('prefers retry-after-ms', () => {
    expect(retryAfterMs({ 'retry-after-ms': '250', 'retry-after': '9' })).toBe(250);
  });

  it('ignores absent or garbage values', () => {
    expect(retryAfterMs({})).toBeUndefined();
    expect(retryAfterMs({ 'retry-after': 'soon' })).toBeUndefined();
    expect(retryAfterMs({ 'retry-after': '-3' })).toBeUndefined();
  });
});
