import type { ErrorKind, GatewayError } from '../../errors/gateway-error.js';

/** OpenAI's `error.type` for each kind of failure. */
const TYPES: Record<ErrorKind, string> = {
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

/** OpenAI's own `error.code` where one exists, so SDK users can keep their checks. */
const OPENAI_CODES: Record<string, string> = {
  GW_ERR_AUTH_MISSING: 'missing_api_key',
  GW_ERR_AUTH_INVALID: 'invalid_api_key',
  GW_ERR_MODEL_NOT_FOUND: 'model_not_found',
  GW_ERR_ROUTE_NOT_FOUND: 'unknown_url',
  GW_ERR_PREVIOUS_RESPONSE_NOT_FOUND: 'previous_response_not_found',
};

/** `{"error":{"message","type","param","code"}}`, the OpenAI error shape. */
export function openaiErrorBody(error: GatewayError): string {
  return JSON.stringify({
    error: {
      message: error.message,
      type: TYPES[error.kind],
      param: error.param ?? null,
      code: error.upstreamCode ?? OPENAI_CODES[error.code] ?? error.code,
    },
  });
}
