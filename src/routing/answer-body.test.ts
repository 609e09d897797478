import { describe, expect, it } from 'vitest';
import { errorInAnswer, notJsonAnswer } from './answer-body.js';

const body = (value: unknown) => Buffer.from(JSON.stringify(value));

describe('errorInAnswer', () => {
  it('passes real answers, even ones that talk about errors', () => {
    const answer = { choices: [{ message: { content: 'error' }, finish_reason: 'stop' }], usage: { prompt_tokens: 1 } };
    expect(errorInAnswer(body(answer))).toBeUndefined();
    expect(errorInAnswer(body({ choices: [], error: null }))).toBeUndefined();
    expect(errorInAnswer(body({ choices: [{ error: { message: 'nested' } }] }))).toBeUndefined();
    expect(errorInAnswer(Buffer.from('{"error": not json'))).toBeUndefined();
  });

  it('finds an OpenAI-shaped error and calls it a server error', () => {
    expect(errorInAnswer(body({ error: { message: 'boom', type: 'server_error', code: null } }))).toEqual({
      errorClass: 'server_error',
      detail: 'boom',
    });
    expect(errorInAnswer(body({ error: 'plain string' }))).toEqual({
      errorClass: 'server_error',
      detail: 'plain string',
    });
  });

  it('classifies by the HTTP status the error carries in code or status', () => {
    expect(errorInAnswer(body({ error: { code: 429, message: 'slow down' } }))?.errorClass).toBe('rate_limit');
    expect(errorInAnswer(body({ error: { status: 401, message: 'bad key' } }))?.errorClass).toBe('auth');
    expect(errorInAnswer(body({ error: { code: 400, message: 'bad request' } }))?.errorClass).toBe('client_error');
    expect(errorInAnswer(body({ error: { code: 'invalid_api_key', message: 'x' } }))?.errorClass).toBe('server_error');
  });
});

describe('errorInAnswer on stream events', () => {
  it("reads Anthropic's error event by its type", () => {
    const event = (type: string) => body({ type: 'error', error: { type, message: 'm' } });
    expect(errorInAnswer(event('overloaded_error'))?.errorClass).toBe('server_error');
    expect(errorInAnswer(event('rate_limit_error'))?.errorClass).toBe('rate_limit');
    expect(errorInAnswer(event('invalid_request_error'))?.errorClass).toBe('client_error');
    expect(errorInAnswer(event('authentication_error'))?.errorClass).toBe('auth');
  });
});

describe('notJsonAnswer', () => {
  it('passes JSON objects, whitespace around them included', () => {
    expect(notJsonAnswer(Buffer.from(' \n{"choices":[]}\n'))).toBeUndefined();
  });

  it('names HTML, plain text, truncated and empty bodies', () => {
    expect(notJsonAnswer(Buffer.from('<html>\n<body>Bad gateway</body></html>'))?.detail).toBe(
      'the upstream answered 2xx with an HTML or XML page where a JSON body was due (38 bytes)',
    );
    // Plain text may be a model's answer: never quoted either.
    expect(notJsonAnswer(Buffer.from('the private diagnosis'))?.detail).toBe(
      'the upstream answered 2xx with a body that is not JSON (21 bytes)',
    );
    // The start of a model's answer is the user's data: described, never quoted.
    expect(notJsonAnswer(Buffer.from('{"choices":[{"message":{"content":"private'))?.detail).toBe(
      'the upstream answered 2xx with a truncated or malformed JSON body (42 bytes)',
    );
    expect(notJsonAnswer(Buffer.from('data: {"choices":[{"delta":{"content":"private"}}]}\n\n'))?.detail).toBe(
      'the upstream answered 2xx with an event stream where a JSON body was due (53 bytes)',
    );
    expect(notJsonAnswer(Buffer.from('{"choices":[{"message":'))?.errorClass).toBe('server_error');
    expect(notJsonAnswer(Buffer.from('OK'))?.errorClass).toBe('server_error');
    expect(notJsonAnswer(Buffer.alloc(0))?.detail).toBe('the upstream answered 2xx with an empty body');
  });
});
