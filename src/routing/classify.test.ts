import { describe, expect, it } from 'vitest';
import { classifyError, classifyErrorBody, classifyStatus, describeError, isTransient } from './classify.js';

describe('the retry classification table', () => {
  it.each([
    [429, 'rate_limit'],
    [408, 'timeout'],
    [500, 'server_error'],
    [502, 'server_error'],
    [503, 'server_error'],
    [504, 'server_error'],
    [529, 'server_error'],
    [401, 'auth'],
    [403, 'auth'],
    [400, 'client_error'],
    [404, 'client_error'],
    [422, 'client_error'],
  ])('classifies HTTP %i as %s', (status, expected) => {
    expect(classifyStatus(status)).toBe(expected);
  });

  it.each([
    ['ECONNREFUSED', 'connection'],
    ['ECONNRESET', 'connection'],
    ['ENOTFOUND', 'connection'],
    ['EAI_AGAIN', 'connection'],
    ['UND_ERR_SOCKET', 'connection'],
    ['EGATEWAY_PRIVATE_ADDRESS', 'connection'],
    ['UND_ERR_CONNECT_TIMEOUT', 'timeout'],
    ['UND_ERR_HEADERS_TIMEOUT', 'timeout'],
    ['UND_ERR_BODY_TIMEOUT', 'timeout'],
    ['UND_ERR_ABORTED', 'cancelled'],
    ['UND_ERR_CLOSED', 'internal'],
    ['UND_ERR_DESTROYED', 'internal'],
  ])('classifies %s as %s', (code, expected) => {
    expect(classifyError(Object.assign(new Error('x'), { code }))).toBe(expected);
  });

  it('tells context-length and content-filter errors from other 400s by the body', () => {
    const openai =
      '{"error":{"message":"This model\'s maximum context length is 8192 tokens","code":"context_length_exceeded"}}';
    const anthropic =
      '{"type":"error","error":{"type":"invalid_request_error","message":"prompt is too long: 210000 tokens > 200000 maximum"}}';
    const azure = '{"error":{"code":"content_filter","message":"The response was filtered"}}';
    expect(classifyErrorBody(400, openai)).toBe('context_length');
    expect(classifyErrorBody(400, anthropic)).toBe('context_length');
    const gemini =
      '{"error":{"code":400,"message":"The input token count (1200293) exceeds the maximum number of tokens allowed (1048576).","status":"INVALID_ARGUMENT"}}';
    const bedrock = '{"message":"The model returned the following errors: Input is too long for requested model."}';
    expect(classifyErrorBody(400, gemini)).toBe('context_length');
    expect(classifyErrorBody(400, bedrock)).toBe('context_length');
    expect(classifyErrorBody(400, azure)).toBe('content_filter');
    expect(classifyErrorBody(400, '{"error":{"message":"messages must not be empty"}}')).toBe('client_error');
    expect(classifyErrorBody(503, 'prompt is too long')).toBe('server_error');
  });

  it('retries only transient classes on the same target', () => {
    expect(['rate_limit', 'server_error', 'timeout', 'connection'].every((c) => isTransient(c as never))).toBe(true);
    expect(['auth', 'client_error', 'context_length', 'content_filter'].some((c) => isTransient(c as never))).toBe(
      false,
    );
  });

  it('describes timeouts by phase', () => {
    expect(describeError({ code: 'UND_ERR_HEADERS_TIMEOUT' })).toBe('timed out waiting for the first byte');
    expect(describeError({ code: 'UND_ERR_BODY_TIMEOUT' })).toBe('stream stalled (idle timeout)');
    expect(describeError({ code: 'UND_ERR_CONNECT_TIMEOUT' })).toBe('connect timed out');
  });

  it("calls an error without a network code the gateway's own fault, not the upstream's connection", () => {
    expect(classifyError(new TypeError('rule is not a function'))).toBe('internal');
    expect(classifyError(new RangeError('Maximum call stack size exceeded'))).toBe('internal');
    expect(classifyError(Object.assign(new Error('bad'), { code: 'UND_ERR_INVALID_ARG' }))).toBe('internal');
    expect(classifyError(Object.assign(new Error('reset'), { code: 'ECONNRESET' }))).toBe('connection');
    expect(classifyError(Object.assign(new Error('tls'), { code: 'CERT_HAS_EXPIRED' }))).toBe('connection');
  });

  it('describes a closed pool without undici internals', () => {
    const destroyed = Object.assign(new Error('The client is destroyed'), { code: 'UND_ERR_DESTROYED' });
    expect(describeError(destroyed)).toBe('the connection pool was closed by a config change or shutdown');
  });
});
