import { jsonErrorWithoutContent } from '../errors/json-error-text.js';
import type { ErrorClass } from '../telemetry/request-record.js';

/**
 * Codes of errors the gateway's own use of Node or undici raises (an invalid argument, a header it should not
 * have built): the upstream never saw the request, so they are the gateway's fault.
 */
const GATEWAY_CODES = new Set([
  'UND_ERR_INVALID_ARG',
  'UND_ERR_NOT_SUPPORTED',
  // A pool the gateway closed (a config swap, shutdown): the request never left, and the upstream is not to blame.
  'UND_ERR_CLOSED',
  'UND_ERR_DESTROYED',
  'ERR_INVALID_ARG_TYPE',
  'ERR_INVALID_ARG_VALUE',
  'ERR_INVALID_CHAR',
  'ERR_HTTP_INVALID_HEADER_VALUE',
  'ERR_OUT_OF_RANGE',
]);

const TIMEOUT_CODES = new Set([
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_HEADERS_TIMEOUT',
  'UND_ERR_BODY_TIMEOUT',
  // The attempt's first-byte limit passed while it waited for an access token (a stalled token endpoint).
  'EGATEWAY_TOKEN_TIMEOUT',
]);

/**
 * Classifies an upstream HTTP error status. 424 (Failed Dependency) is Bedrock's ModelErrorException: the model
 * failed while processing a valid request ("Try your request again"), a server error, not the client's.
 */
export function classifyStatus(status: number): ErrorClass {
  if (status === 429) return 'rate_limit';
  if (status === 408) return 'timeout';
  if (status === 401 || status === 403) return 'auth';
  if (status >= 500 || status === 424) return 'server_error';
  return 'client_error';
}

const CONTEXT_LENGTH =
  /context_length_exceeded|maximum context length|prompt is too long|too many tokens|context window|exceeds the maximum number of tokens|input is too long|exceed context limit/i;
const CONTENT_FILTER = /content_filter|content_policy_violation|content management policy|responsible ?ai policy/i;
/**
 * Google's APIs (Gemini, Vertex AI) refuse a wrong or expired API key with a 400 INVALID_ARGUMENT whose
 * ErrorInfo reason says so: the gateway's provider key is wrong, as with another upstream's 401.
 */
const GOOGLE_KEY_INVALID = /"reason":\s*"API_KEY_INVALID"/;

/**
 * Refines a 4xx by its body: providers report an over-long prompt or a content-filter block as a plain 400
 * (413 for some), which only the message tells apart. These classes are opt-in fallback triggers. Google's
 * 400 for a wrong API key is `auth`, which always falls back. Bedrock names its exception in the
 * `x-amzn-errortype` header: a 400 ServiceQuotaExceededException (the account's quota, "resubmit your request
 * later") is a `rate_limit`, as the same exception at a stream's start is.
 */
export function classifyErrorBody(status: number, body: string, awsErrorType?: unknown): ErrorClass {
  const byStatus = classifyStatus(status);
  if (byStatus !== 'client_error') return byStatus;
  if (typeof awsErrorType === 'string' && awsErrorType.startsWith('ServiceQuotaExceededException')) return 'rate_limit';
  if (GOOGLE_KEY_INVALID.test(body)) return 'auth';
  if (CONTEXT_LENGTH.test(body)) return 'context_length';
  if (CONTENT_FILTER.test(body)) return 'content_filter';
  return 'client_error';
}

/**
 * Classes where the upstream refused this request for what it asks (a content filter, a prompt too long): no
 * fault of the upstream's, so they cool no target and count against no config guard, and a route that does
 * not fall back on them hands the client the upstream's answer.
 */
export function isRequestRefusal(errorClass: ErrorClass): boolean {
  return errorClass === 'content_filter' || errorClass === 'context_length';
}

/** Classes worth trying again on the same target after a pause. */
export function isTransient(errorClass: ErrorClass): boolean {
  return (
    errorClass === 'rate_limit' ||
    errorClass === 'server_error' ||
    errorClass === 'timeout' ||
    errorClass === 'connection'
  );
}

/**
 * Classifies an error thrown while talking to an upstream (no HTTP response, or a broken one). Network and
 * protocol errors carry a code; an error without one (a TypeError, a stack overflow) was thrown by the
 * gateway's own code and is `internal`, never blamed on the upstream.
 */
export function classifyError(error: unknown): ErrorClass {
  const code = (error as { code?: unknown } | null)?.code;
  if ((error as Error | null)?.name === 'AbortError' || code === 'UND_ERR_ABORTED') return 'cancelled';
  if (typeof code !== 'string' || GATEWAY_CODES.has(code)) return 'internal';
  if (TIMEOUT_CODES.has(code)) return 'timeout';
  return 'connection';
}

/** True for an error of a pool the gateway itself closed (config swap, shutdown). */
export function isClosedPool(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return code === 'UND_ERR_CLOSED' || code === 'UND_ERR_DESTROYED';
}

/** A short human description of a thrown upstream error, without anything secret. */
export function describeError(error: unknown): string {
  // An upstream's answer or event that does not parse: V8's message would quote it, and it is model output.
  if (error instanceof SyntaxError)
    return `the upstream sent JSON that does not parse (${jsonErrorWithoutContent(error.message)})`;
  const { code, message } = (error ?? {}) as { code?: string; message?: string };
  if (code === 'UND_ERR_HEADERS_TIMEOUT') return 'timed out waiting for the first byte';
  if (code === 'UND_ERR_BODY_TIMEOUT') return 'stream stalled (idle timeout)';
  if (code === 'UND_ERR_CONNECT_TIMEOUT') return 'connect timed out';
  if (code === 'EGATEWAY_TOKEN_TIMEOUT') return message ?? 'timed out waiting for an access token';
  if (code === 'ECONNREFUSED') return 'connection refused';
  if (code === 'ECONNRESET' || code === 'UND_ERR_SOCKET') return 'connection reset';
  if (code === 'ENOTFOUND') return 'host not found';
  if (code === 'EGATEWAY_PRIVATE_ADDRESS') return message ?? 'private address refused';
  if (code === 'UND_ERR_CLOSED' || code === 'UND_ERR_DESTROYED') {
    return 'the connection pool was closed by a config change or shutdown';
  }
  if (code === 'UND_ERR_ABORTED') return `cancelled: ${message ?? 'request aborted'}`;
  return code ? `${code}${message ? `: ${message}` : ''}` : (message ?? 'upstream error');
}
