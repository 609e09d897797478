import type { ErrorKind } from '../../errors/gateway-error.js';

/**
 * The OpenAI `error.type` for each kind of failure, as the OpenAI entry point reports gateway errors
 * (api/openai/openai-error.ts), so a client sees the same types mid-stream as in an error response.
 */
const TYPE_FOR_KIND: Record<ErrorKind, string> = {
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

export interface ChatErrorPayload {
  error: { message: string; type: string; param: null; code: ErrorKind };
}

/**
 * `{"error":{...}}`, which the openai SDK raises as an APIError when it arrives as a stream event. `code`
 * carries the gateway's error kind (e.g. `overloaded`), the detail that `type` folds away.
 */
export function chatErrorPayload(kind: ErrorKind, message: string): ChatErrorPayload {
  return { error: { message, type: TYPE_FOR_KIND[kind], param: null, code: kind } };
}
