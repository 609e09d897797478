import { type ErrorKind, GatewayError, type GatewayErrorOptions } from './gateway-error.js';

/** 503 and Anthropic's 529 both mean the provider is overloaded (Anthropic clients expect overloaded_error). */
function upstreamFailureKind(status: number): ErrorKind {
  if (status === 504) return 'timeout';
  if (status === 429) return 'rate_limit';
  if (status === 503 || status === 529) return 'overloaded';
  return 'upstream';
}

/** The most of a client's string an error quotes back: a 4 MiB model name must not become a 4 MiB answer. */
const MAX_QUOTED = 256;

function quoted(text: string): string {
  return text.length <= MAX_QUOTED ? text : `${text.slice(0, MAX_QUOTED)}…`;
}

/** Error constructors with stable codes (GW_ERR_<AREA>_<WHAT>), one per failure clients can meet. */
export const errors = {
  /** The gateway's own code failed; the message says nothing of the cause (it is logged). */
  internal: () => new GatewayError('GW_ERR_INTERNAL', 500, 'internal', 'internal gateway error'),
  invalidJson: (detail: string) =>
    new GatewayError(
      'GW_ERR_REQUEST_INVALID_JSON',
      400,
      'invalid_request',
      `request body is not valid JSON: ${detail}`,
    ),
  invalidBody: (message: string, param?: string) =>
    new GatewayError('GW_ERR_REQUEST_INVALID', 400, 'invalid_request', message, { param }),
  unsupportedContentType: (type: string) =>
    new GatewayError(
      'GW_ERR_REQUEST_CONTENT_TYPE',
      415,
      'invalid_request',
      `unsupported content-type "${type}"; send application/json`,
    ),
  unsupportedContentEncoding: (encoding: string) =>
    new GatewayError(
      'GW_ERR_REQUEST_CONTENT_ENCODING',
      415,
      'invalid_request',
      `unsupported content-encoding "${encoding}"; send the body as it is, or with gzip, deflate or br`,
    ),
  /** The parser thread did not answer in time: the gateway was busy (or its thread stuck), not the body wrong. */
  bodyParseTimeout: () =>
    new GatewayError(
      'GW_ERR_REQUEST_PARSE_TIMEOUT',
      503,
      'unavailable',
      'the gateway is too busy to parse the request body in time; retry',
    ),
  undecodableBody: (encoding: string) =>
    new GatewayError(
      'GW_ERR_REQUEST_INVALID_ENCODING',
      400,
      'invalid_request',
      `the request body is not valid ${encoding} data`,
    ),
  bodyTooLarge: (limit: number) =>
    new GatewayError(
      'GW_ERR_REQUEST_TOO_LARGE',
      413,
      'payload_too_large',
      `request body exceeds the gateway limit of ${limit} bytes`,
    ),
  missingModel: () =>
    new GatewayError('GW_ERR_REQUEST_MISSING_MODEL', 400, 'invalid_request', 'you must provide a model parameter', {
      param: 'model',
    }),
  unknownModel: (model: string) =>
    new GatewayError(
      'GW_ERR_MODEL_NOT_FOUND',
      404,
      'not_found',
      `the model "${quoted(model)}" does not exist on this gateway; GET /v1/models lists the configured models`,
      { param: 'model' },
    ),
  routeNotFound: (method: string, path: string) =>
    new GatewayError('GW_ERR_ROUTE_NOT_FOUND', 404, 'not_found', `no route for ${method} ${path}`),
  methodNotAllowed: (method: string, path: string, allowed: string) =>
    new GatewayError(
      'GW_ERR_METHOD_NOT_ALLOWED',
      405,
      'method_not_allowed',
      `method ${method} is not allowed on ${path}; use ${allowed}`,
      { headers: { allow: allowed } },
    ),
  missingToken: () =>
    new GatewayError(
      'GW_ERR_AUTH_MISSING',
      401,
      'authentication',
      'missing gateway token; send "Authorization: Bearer <token>"',
    ),
  invalidToken: () =>
    new GatewayError('GW_ERR_AUTH_INVALID', 401, 'authentication', 'invalid, expired or revoked gateway token'),
  forbidden: (message: string) => new GatewayError('GW_ERR_AUTH_FORBIDDEN', 403, 'permission', message),
  /** The client's key may not use this model (its `models` patterns do not match the requested name). */
  modelForbidden: (client: string, model: string) =>
    new GatewayError(
      'GW_ERR_MODEL_FORBIDDEN',
      403,
      'permission',
      `the key "${client}" may not use the model "${model}"; GET /v1/models lists the models it may use`,
      { param: 'model' },
    ),
  /** Over a rate limit of the client's key; headers carry retry-after and the dialect's rate-limit headers. */
  rateLimited: (message: string, headers: Record<string, string>) =>
    new GatewayError('GW_ERR_RATE_LIMITED', 429, 'rate_limit', message, {
      headers,
      upstreamCode: 'rate_limit_exceeded',
    }),
  /** A budget of the client's key is spent; the SDKs are told not to retry (it cannot pass before the reset). */
  budgetExceeded: (message: string, headers: Record<string, string>) =>
    new GatewayError('GW_ERR_BUDGET_EXCEEDED', 429, 'quota', message, {
      headers: { ...headers, 'x-should-retry': 'false' },
      upstreamCode: 'insufficient_quota',
    }),
  providerNotConfigured: (provider: string, envVar: string | undefined) =>
    new GatewayError(
      'GW_ERR_PROVIDER_NOT_CONFIGURED',
      503,
      'unavailable',
      envVar
        ? `provider "${provider}" has no ${envVar.includes(' ') ? `credentials; set ${envVar}` : `API key; set the environment variable ${envVar}`} and restart the gateway (a reload keeps the environment it started with)`
        : `provider "${provider}" has no credentials configured`,
      // A retry cannot succeed before an operator acts; the OpenAI and Anthropic SDKs honour this header.
      { headers: { 'x-should-retry': 'false' } },
    ),
  /** A final upstream error relayed to the client (a 4xx it must fix); recorded, not re-sent. */
  upstreamRejected: (status: number, kind: ErrorKind, message: string, options?: GatewayErrorOptions) =>
    new GatewayError('GW_ERR_UPSTREAM_REJECTED', status, kind, message, options),
  upstreamFailed: (message: string, status: number, options?: GatewayErrorOptions) =>
    new GatewayError('GW_ERR_UPSTREAM_FAILED', status, upstreamFailureKind(status), message, options),
  totalTimeout: (totalMs: number) =>
    new GatewayError(
      'GW_ERR_UPSTREAM_TOTAL_TIMEOUT',
      504,
      'timeout',
      `the request exceeded the gateway's total time limit (routing.timeout.total_ms = ${totalMs} ms)`,
    ),
  /** An OpenAI API path the gateway knows of but keeps no state for (conversations, stored chat completions ...). */
  unsupportedEndpoint: (method: string, path: string, why: string) =>
    new GatewayError(
      'GW_ERR_ENDPOINT_UNSUPPORTED',
      404,
      'not_found',
      `${method} ${quoted(path)} is not supported by this gateway: ${why}`,
    ),
  unsupportedOperation: (message: string) =>
    new GatewayError('GW_ERR_OPERATION_UNSUPPORTED', 400, 'invalid_request', message),
  shuttingDown: () =>
    new GatewayError(
      'GW_ERR_SHUTTING_DOWN',
      503,
      'unavailable',
      'the gateway is shutting down; retry on another instance',
    ),
  /** A stored Response that does not exist for this client (absent, deleted, expired or another client's). */
  responseNotFound: (id: string) =>
    new GatewayError('GW_ERR_RESPONSE_NOT_FOUND', 404, 'not_found', `Response with id '${id}' not found.`),
  /** OpenAI answers an unknown previous_response_id with a 400, not a 404. */
  previousResponseNotFound: (id: string) =>
    new GatewayError(
      'GW_ERR_PREVIOUS_RESPONSE_NOT_FOUND',
      400,
      'invalid_request',
      `Previous response with id '${id}' not found.`,
      { param: 'previous_response_id' },
    ),
  /** A response still running when the shutdown grace period ran out (streams of long generations). */
  shutdownCut: (graceMs: number) =>
    new GatewayError(
      'GW_ERR_SHUTTING_DOWN',
      503,
      'unavailable',
      `the gateway is shutting down and the response outlived its grace period (server.shutdown_grace_ms = ${graceMs} ms); retry on another instance`,
    ),
  /** The HTTP parser refused the request itself (request line, headers, chunked framing): no handler saw it. */
  malformedHttp: (detail: string) =>
    new GatewayError('GW_ERR_HTTP_MALFORMED', 400, 'invalid_request', `the request is not valid HTTP/1.1: ${detail}`),
  headersTooLarge: () =>
    new GatewayError(
      'GW_ERR_HTTP_HEADERS_TOO_LARGE',
      431,
      'invalid_request',
      'the request headers are larger than the gateway accepts (16 KiB in all)',
    ),
  requestTimeout: () =>
    new GatewayError(
      'GW_ERR_HTTP_REQUEST_TIMEOUT',
      408,
      'timeout',
      'the request was not received in time (server.connections.headers_timeout_ms / request_timeout_ms)',
    ),
} satisfies Record<string, (...args: never[]) => GatewayError>;
