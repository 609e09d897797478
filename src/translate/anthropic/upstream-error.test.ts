import { describe, expect, it } from 'vitest';
import { decodeAnthropicError } from './upstream-error.js';

const body = (type: string, message: string) => JSON.stringify({ type: 'error', error: { type, message } });

describe('decoding Anthropic error bodies', () => {
  it.each([
    [400, 'invalid_request_error', 'invalid_request'],
    [401, 'authentication_error', 'authentication'],
    [402, 'billing_error', 'upstream'],
    [403, 'permission_error', 'permission'],
    [404, 'not_found_error', 'not_found'],
    [413, 'request_too_large', 'payload_too_large'],
    [429, 'rate_limit_error', 'rate_limit'],
    [500, 'api_error', 'upstream'],
    [504, 'timeout_error', 'timeout'],
    [529, 'overloaded_error', 'overloaded'],
  ] as const)('maps HTTP %s %s to kind %s with its message', (status, type, kind) => {
    expect(decodeAnthropicError(status, body(type, `about ${type}`))).toEqual({ kind, message: `about ${type}` });
  });

  it('falls back to the status for an unknown error type', () => {
    expect(decodeAnthropicError(529, body('brand_new_error', 'busy'))).toEqual({ kind: 'overloaded', message: 'busy' });
    expect(decodeAnthropicError(409, body('conflict_error', 'conflict'))).toEqual({
      kind: 'invalid_request',
      message: 'conflict',
    });
  });

  it('uses the raw body (shortened) or the status when the body is not Anthropic JSON', () => {
    expect(decodeAnthropicError(502, '<html>Bad Gateway</html>')).toEqual({
      kind: 'upstream',
      message: '<html>Bad Gateway</html>',
    });
    expect(decodeAnthropicError(503, '')).toEqual({ kind: 'overloaded', message: 'the upstream answered HTTP 503' });
    expect(decodeAnthropicError(500, 'x'.repeat(2000)).message).toHaveLength(500);
  });
});

describe("Anthropic's context overflow", () => {
  it('carries the context_length_exceeded code OpenAI-dialect clients react to, with the wording kept', () => {
    const message = 'prompt is too long: 210000 tokens > 200000 maximum';
    const info = decodeAnthropicError(
      400,
      JSON.stringify({ type: 'error', error: { type: 'invalid_request_error', message } }),
    );
    expect(info).toEqual({ kind: 'invalid_request', message, code: 'context_length_exceeded' });
  });
});
