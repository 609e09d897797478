import { describe, expect, it } from 'vitest';
import { errors } from '../../errors/codes.js';
import { anthropicErrorBody } from './anthropic-error.js';

const messageOf = (body: string) => (JSON.parse(body) as { error: { message: string } }).error.message;

describe('anthropicErrorBody', () => {
  it('names the field at the start of the message, as Anthropic does, since its shape has no param', () => {
    const error = errors.invalidBody('top_k sampling is not available on this upstream', 'top_k');
    expect(JSON.parse(anthropicErrorBody(error, 'req_1'))).toEqual({
      type: 'error',
      error: { type: 'invalid_request_error', message: 'top_k: top_k sampling is not available on this upstream' },
      request_id: 'req_1',
    });
  });

  it('leaves a message that already starts with its field alone', () => {
    const error = errors.invalidBody('messages[0].role: expected user or assistant', 'messages[0].role');
    expect(messageOf(anthropicErrorBody(error, 'req_1'))).toBe('messages[0].role: expected user or assistant');
  });

  it('leaves a message without a field alone', () => {
    expect(messageOf(anthropicErrorBody(errors.invalidToken(), 'req_1'))).toBe(errors.invalidToken().message);
  });
});
