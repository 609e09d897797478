import type { ErrorKind } from '../../errors/gateway-error.js';
import type { ResponseError } from './wire.js';

/**
 * A mid-stream upstream failure in Responses terms. The `error` event carries the documented flat fields
 * (code, message, param) and also the nested `error` object the live OpenAI API sends: the openai SDK's
 * stream reader raises an APIError only for an event with a top-level `error` key, so without it SDK users
 * would see a failed stream end like a successful one. `response.failed` then carries the same error on the
 * Response object for clients that watch the lifecycle events.
 */
const TYPES: Readonly<Record<ErrorKind, string>> = {
  invalid_request: 'invalid_request_error',
  authentication: 'invalid_request_error',
  permission: 'permission_error',
  not_found: 'invalid_request_error',
  method_not_allowed: 'invalid_request_error',
  payload_too_large: 'invalid_request_error',
  rate_limit: 'rate_limit_error',
  quota: 'insufficient_quota',
  upstream: 'server_error',
  overloaded: 'server_error',
  unavailable: 'server_error',
  timeout: 'server_error',
  internal: 'server_error',
};

/** The Response error codes OpenAI documents that fit each kind; `server_error` for the rest. */
function codeOf(kind: ErrorKind): string {
  if (kind === 'rate_limit') return 'rate_limit_exceeded';
  if (kind === 'invalid_request') return 'invalid_prompt';
  return 'server_error';
}

export interface StreamFailure {
  /** The `error` event's payload (without type and sequence_number). */
  event: {
    code: string;
    message: string;
    param: null;
    error: { type: string; code: string; message: string; param: null };
  };
  /** The Response object's `error`. */
  responseError: ResponseError;
}

export function streamFailure(kind: ErrorKind, message: string): StreamFailure {
  const code = codeOf(kind);
  return {
    event: { code, message, param: null, error: { type: TYPES[kind], code, message, param: null } },
    responseError: { code, message },
  };
}
