import { describe, expect, it } from 'vitest';
import { bedrockErrorInfo, decodeBedrockError } from '../bedrock/upstream-error.js';
import { decodeGeminiError } from '../gemini/upstream-error.js';
import { decodeChatError } from '../openai-chat/upstream-error.js';

const GEMINI_OVERFLOW = 'The input token count (1200293) exceeds the maximum number of tokens allowed (1048576).';

describe('a context overflow in each provider’s words', () => {
  it("gets OpenAI's code and Anthropic's wording from Gemini's INVALID_ARGUMENT", () => {
    const info = decodeGeminiError(
      400,
      JSON.stringify({ error: { code: 400, message: GEMINI_OVERFLOW, status: 'INVALID_ARGUMENT' } }),
    );
    expect(info).toEqual({
      kind: 'invalid_request',
      code: 'context_length_exceeded',
      message: `prompt is too long: ${GEMINI_OVERFLOW}`,
    });
  });

  it("gets them from Bedrock's ValidationException, in a body and in a stream's exception", () => {
    const nova = decodeBedrockError(
      400,
      JSON.stringify({ message: 'The model returned the following errors: Input is too long for requested model.' }),
    );
    expect(nova).toMatchObject({ kind: 'invalid_request', code: 'context_length_exceeded' });
    expect(nova.message).toMatch(/^prompt is too long: The model returned/);
    const claude = bedrockErrorInfo(
      'ValidationException',
      'The model returned the following errors: prompt is too long: 227255 tokens > 200000 maximum',
      400,
    );
    expect(claude).toMatchObject({ kind: 'invalid_request', code: 'context_length_exceeded' });
  });

  it('leaves other errors as they are', () => {
    const other = decodeGeminiError(
      400,
      JSON.stringify({ error: { code: 400, message: 'Invalid JSON payload', status: 'INVALID_ARGUMENT' } }),
    );
    expect(other).toEqual({ kind: 'invalid_request', code: 'INVALID_ARGUMENT', message: 'Invalid JSON payload' });
    // Not an invalid request: a server's words about its context are no overflow of the client's.
    expect(bedrockErrorInfo('ThrottlingException', 'Too many tokens, please wait', 429).code).toBe(
      'ThrottlingException',
    );
    expect(decodeChatError(400, '{"error":{"message":"This model\'s maximum context length is 8192 tokens"}}')).toEqual(
      {
        kind: 'invalid_request',
        code: 'context_length_exceeded',
        message: "prompt is too long: This model's maximum context length is 8192 tokens",
      },
    );
  });
});
