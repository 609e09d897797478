import type { ErrorKind } from '../../errors/gateway-error.js';

/** Anthropic's `error.type` for each kind of failure (what an Anthropic client sees in an `error` event). */
const TYPE_FOR_KIND: Record<ErrorKind, string> = {
  invalid_request: 'invalid_request_error',
  authentication: 'authentication_error',
  permission: 'permission_error',
  not_found: 'not_found_error',
  method_not_allowed: 'invalid_request_error',
  payload_too_large: 'request_too_large',
  rate_limit: 'rate_limit_error',
  quota: 'rate_limit_error',
  upstream: 'api_error',
  overloaded: 'overloaded_error',
  unavailable: 'api_error',
  timeout: 'timeout_error',
  internal: 'api_error',
};

/** The gateway's kind for each Anthropic `error.type` (billing problems are the provider account's, not the client's). */
const KIND_FOR_TYPE: Readonly<Record<string, ErrorKind>> = {
  invalid_request_error: 'invalid_request',
  authentication_error: 'authentication',
  permission_error: 'permission',
  billing_error: 'upstream',
  not_found_error: 'not_found',
  request_too_large: 'payload_too_large',
  rate_limit_error: 'rate_limit',
  api_error: 'upstream',
  overloaded_error: 'overloaded',
  timeout_error: 'timeout',
};

export function anthropicTypeForKind(kind: ErrorKind): string {
  return TYPE_FOR_KIND[kind];
}

export function kindForAnthropicType(type: unknown): ErrorKind | undefined {
  return typeof type === 'string' && Object.hasOwn(KIND_FOR_TYPE, type) ? KIND_FOR_TYPE[type] : undefined;
}
