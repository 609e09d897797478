import { describe, expect, it } from 'vitest';
import { googleRetryDelayMs } from './google-retry-info.js';

const quotaError = (retryDelay: unknown) =>
  JSON.stringify({
    error: {
      code: 429,
      message: 'You exceeded your current quota. Please retry in 58.2s.',
      status: 'RESOURCE_EXHAUSTED',
      details: [
        { '@type': 'type.googleapis.com/google.rpc.QuotaFailure', violations: [{ quotaId: 'PerMinute' }] },
        { '@type': 'type.googleapis.com/google.rpc.RetryInfo', retryDelay },
      ],
    },
  });

describe('googleRetryDelayMs', () => {
  it("reads the RetryInfo delay of a Gemini quota error, in Duration's JSON forms", () => {
    expect(googleRetryDelayMs(quotaError('58s'))).toBe(58_000);
    expect(googleRetryDelayMs(Buffer.from(quotaError('1.5s')))).toBe(1_500);
    expect(googleRetryDelayMs(quotaError({ seconds: 3, nanos: 250_000_000 }))).toBe(3_250);
  });

  it('ignores bodies without a readable RetryInfo', () => {
    expect(googleRetryDelayMs('')).toBeUndefined();
    expect(googleRetryDelayMs('{"error":{"message":"Rate limit reached"}}')).toBeUndefined();
    expect(googleRetryDelayMs(quotaError('soon'))).toBeUndefined();
    expect(googleRetryDelayMs(quotaError('-4s'))).toBeUndefined();
    expect(googleRetryDelayMs('google.rpc.RetryInfo but not JSON')).toBeUndefined();
  });
});
