import { describe, expect, it } from 'vitest';
import { decodeChatError } from './upstream-error.js';

describe('decodeChatError', () => {
  it('reads the OpenAI error shape', () => {
    const body = JSON.stringify({
      error: {
        message: "This model's maximum context length is 128000 tokens.",
        type: 'invalid_request_error',
        param: 'messages',
        code: 'context_length_exceeded',
      },
    });
    expect(decodeChatError(400, body)).toEqual({
      kind: 'invalid_request',
      message: "prompt is too long: This model's maximum context length is 128000 tokens.",
      code: 'context_length_exceeded',
    });
  });

  it.each([
    [401, 'authentication'],
    [403, 'permission'],
    [404, 'not_found'],
    [408, 'timeout'],
    [413, 'payload_too_large'],
    [422, 'invalid_request'],
    [429, 'rate_limit'],
    [500, 'upstream'],
    [502, 'upstream'],
    [503, 'overloaded'],
    [504, 'timeout'],
    [529, 'overloaded'],
  ])('maps HTTP %i to %s', (status, kind) => {
    const body = JSON.stringify({ error: { message: 'x', type: 'whatever', param: null, code: null } });
    expect(decodeChatError(status, body).kind).toBe(kind);
  });

  it('tolerates {"error":"text"} and a bare {"message":...} from compatible servers', () => {
    expect(decodeChatError(404, '{"error":"model \\"llama9\\" not found, try pulling it first"}')).toEqual({
      kind: 'not_found',
      message: 'model "llama9" not found, try pulling it first',
    });
    const vllm =
      '{"object":"error","message":"max_tokens must be at least 1","type":"BadRequestError","param":null,"code":400}';
    expect(decodeChatError(400, vllm)).toEqual({ kind: 'invalid_request', message: 'max_tokens must be at least 1' });
  });

  it('falls back to the raw body or the status when there is no message', () => {
    expect(decodeChatError(502, '<html>Bad Gateway</html>')).toEqual({
      kind: 'upstream',
      message: '<html>Bad Gateway</html>',
    });
    expect(decodeChatError(500, '')).toEqual({ kind: 'upstream', message: 'the upstream answered HTTP 500' });
    expect(decodeChatError(500, 'x'.repeat(2000)).message).toHaveLength(500);
  });
});

describe('context overflow wording', () => {
  it("starts the message as Anthropic's so Claude Code compacts, and carries OpenAI's code", () => {
    const body = JSON.stringify({
      error: {
        message:
          "This model's maximum context length is 128000 tokens. However, your messages resulted in 130000 tokens.",
        type: 'invalid_request_error',
        param: 'messages',
        code: 'context_length_exceeded',
      },
    });
    const info = decodeChatError(400, body);
    expect(info.message).toBe(
      "prompt is too long: This model's maximum context length is 128000 tokens. However, your messages resulted in 130000 tokens.",
    );
    expect(info.code).toBe('context_length_exceeded');
  });

  it("recognises vLLM's wording without a code", () => {
    const body = JSON.stringify({
      object: 'error',
      message: "This model's maximum context length is 8192 tokens.",
      code: 400,
    });
    expect(decodeChatError(400, body).code).toBe('context_length_exceeded');
  });

  it('leaves other errors as they are', () => {
    const body = JSON.stringify({ error: { message: 'Invalid temperature', type: 'invalid_request_error' } });
    expect(decodeChatError(400, body)).toEqual({
      kind: 'invalid_request',
      message: 'Invalid temperature',
      code: undefined,
    });
  });
});
