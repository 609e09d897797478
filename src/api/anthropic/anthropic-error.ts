import type { ErrorKind, GatewayError } from '../../errors/gateway-error.js';

/** Anthropic's `error.type` for each kind of failure. */
const TYPES: Record<ErrorKind, string> = {
  invalid_request: 'invalid_request_error',
  authentication: 'authentication_error',
  permission: 'permission_error',
  not_found: 'not_found_error',
  method_not_allowed: 'invalid_request_error',
  payload_too_large: 'request_too_large',
  rate_limit: 'rate_limit_error',
  upstream: 'api_error',
  overloaded: 'overloaded_error',
  unavailable: 'api_error',
  timeout: 'api_error',
  internal: 'api_error',
};

export function anthropicErrorType(kind: ErrorKind): string {
  return TYPES[kind];
}

/** `{"type":"error","error":{"type","message"},"request_id"}`, the Anthropic error shape. */
export function anthropicErrorBody(error: GatewayError, requestId: string): string {
  return JSON.stringify({
    type: 'error',
    error: { type: TYPES[error.kind], message: error.message },
    request_id: requestId,
  });
}
