import { describe, expect, it } from 'vitest';
import { LimitHeaderTexts, openaiResetDuration, rateLimitHeaders } from './rate-limit-headers.js';

describe('rate-limit headers', () => {
  it('writes OpenAI reset durations the way the API does', () => {
    expect(openaiResetDuration(20)).toBe('20ms');
    expect(openaiResetDuration(1_000)).toBe('1s');
    expect(openaiResetDuration(360_000)).toBe('6m0s');
    expect(openaiResetDuration(3_723_000)).toBe('1h2m3s');
  });

  it('names the limits in each dialect and leaves out those the key does not have', () => {
    const now = Date.parse('2026-12-04T10:00:10Z');
    const requests = { limit: 60, remaining: -2, resetAt: Date.parse('2026-12-04T10:01:00Z') };
    expect(rateLimitHeaders('openai', requests, undefined, now)).toEqual({
      'x-ratelimit-limit-requests': '60',
      'x-ratelimit-remaining-requests': '0',
      'x-ratelimit-reset-requests': '50s',
    });
    expect(rateLimitHeaders('anthropic', undefined, requests, now)).toEqual({
      'anthropic-ratelimit-tokens-limit': '60',
      'anthropic-ratelimit-tokens-remaining': '0',
      'anthropic-ratelimit-tokens-reset': '2026-12-04T10:01:00Z',
      // One token limit for input and output together bounds each of them.
      'anthropic-ratelimit-input-tokens-limit': '60',
      'anthropic-ratelimit-input-tokens-remaining': '0',
      'anthropic-ratelimit-input-tokens-reset': '2026-12-04T10:01:00Z',
      'anthropic-ratelimit-output-tokens-limit': '60',
      'anthropic-ratelimit-output-tokens-remaining': '0',
      'anthropic-ratelimit-output-tokens-reset': '2026-12-04T10:01:00Z',
    });
    expect(Object.keys(rateLimitHeaders('anthropic', requests, undefined, now))).toEqual([
      'anthropic-ratelimit-requests-limit',
      'anthropic-ratelimit-requests-remaining',
      'anthropic-ratelimit-requests-reset',
    ]);
  });
});

describe('LimitHeaderTexts', () => {
  it('formats the reset duration once a second, and to the millisecond in the last second', () => {
    const texts = new LimitHeaderTexts(60, 60_000);
    expect(texts.limitText).toBe('60');
    expect(texts.openaiReset(10_000)).toBe('50s');
    expect(texts.openaiReset(10_999)).toBe('50s');
    expect(texts.openaiReset(11_000)).toBe('49s');
    expect(texts.openaiReset(59_020)).toBe('980ms');
    expect(texts.openaiReset(59_500)).toBe('500ms');
    expect(texts.anthropicReset()).toBe('1970-01-01T00:01:00Z');
  });
});
