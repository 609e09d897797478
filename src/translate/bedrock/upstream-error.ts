import type { IncomingHttpHeaders } from 'node:http';
import type { ErrorKind } from '../../errors/gateway-error.js';
import type { UpstreamErrorInfo } from '../contract.js';
import { withOverflowWording } from '../shared/context-overflow.js';

/**
 * Bedrock errors: `{"message": "..."}` with the exception's name in the `x-amzn-errortype` header (HTTP) or
 * the `:exception-type` header of an event-stream message. The name decides the kind where it is known.
 */

const KIND_BY_EXCEPTION: Readonly<Record<string, ErrorKind>> = {
  ValidationException: 'invalid_request',
  AccessDeniedException: 'permission',
  UnrecognizedClientException: 'authentication',
  InvalidSignatureException: 'authentication',
  ExpiredTokenException: 'authentication',
  ResourceNotFoundException: 'not_found',
  ThrottlingException: 'rate_limit',
  ServiceQuotaExceededException: 'rate_limit',
  ServiceUnavailableException: 'overloaded',
  ModelNotReadyException: 'overloaded',
  ModelTimeoutException: 'timeout',
  ModelErrorException: 'upstream',
  ModelStreamErrorException: 'upstream',
  InternalServerException: 'upstream',
};

function kindForStatus(status: number): ErrorKind {
  if (status === 401) return 'authentication';
  if (status === 403) return 'permission';
  if (status === 404) return 'not_found';
  if (status === 408) return 'timeout';
  if (status === 429) return 'rate_limit';
  if (status === 503) return 'overloaded';
  return status >= 500 ? 'upstream' : 'invalid_request';
}

/**
 * The exception's name as KIND_BY_EXCEPTION spells it. HTTP errors name it in PascalCase
 * (`ThrottlingException`); ConverseStream's exception messages carry the stream union's member name, in
 * camelCase (`throttlingException`, `serviceUnavailableException`), as the official SDK's model has them.
 */
function pascalCase(name: string): string {
  return name.charAt(0).toUpperCase() + name.slice(1);
}

/** An exception event or body, by its name (the part of `x-amzn-errortype` before any colon). */
export function bedrockErrorInfo(exception: string | undefined, message: string, status: number): UpstreamErrorInfo {
  const name = exception?.split(':')[0];
  // An overflow is a ValidationException ("Input is too long for requested model", Claude's "prompt is too long").
  return withOverflowWording({
    kind: (name ? KIND_BY_EXCEPTION[pascalCase(name)] : undefined) ?? kindForStatus(status),
    message,
    ...(name ? { code: name } : {}),
  });
}

/**
 * An HTTP error: the exception's name from `x-amzn-errortype` (as the AWS SDK reads it first), else the body's
 * `__type` (`com.amazon...#ThrottlingException`), else the status alone.
 */
export function decodeBedrockError(status: number, body: string, headers?: IncomingHttpHeaders): UpstreamErrorInfo {
  let parsed: { message?: unknown; Message?: unknown; __type?: unknown } | undefined;
  try {
    parsed = JSON.parse(body) as typeof parsed;
  } catch {
    parsed = undefined;
  }
  const text = parsed?.message ?? parsed?.Message;
  const message = typeof text === 'string' && text !== '' ? text : body.trim().slice(0, 500);
  const header = headers?.['x-amzn-errortype'];
  const named = typeof header === 'string' && header !== '' ? header : undefined;
  const exception = named ?? (typeof parsed?.__type === 'string' ? parsed.__type.split('#').at(-1) : undefined);
  return bedrockErrorInfo(exception, message || `the upstream answered HTTP ${status}`, status);
}
