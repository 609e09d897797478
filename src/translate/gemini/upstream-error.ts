import type { ErrorKind } from '../../errors/gateway-error.js';
import type { UpstreamErrorInfo } from '../contract.js';
import { withOverflowWording } from '../shared/context-overflow.js';

/**
 * Google API errors, `{"error":{"code":400,"message":"...","status":"INVALID_ARGUMENT","details":[...]}}`.
 * The canonical `status` decides the kind; Gemini reports a bad API key as INVALID_ARGUMENT with the reason
 * API_KEY_INVALID, which clients should see as an authentication failure.
 */

const KIND_BY_STATUS: Readonly<Record<string, ErrorKind>> = {
  INVALID_ARGUMENT: 'invalid_request',
  FAILED_PRECONDITION: 'invalid_request',
  OUT_OF_RANGE: 'invalid_request',
  UNAUTHENTICATED: 'authentication',
  PERMISSION_DENIED: 'permission',
  NOT_FOUND: 'not_found',
  RESOURCE_EXHAUSTED: 'rate_limit',
  UNAVAILABLE: 'overloaded',
  DEADLINE_EXCEEDED: 'timeout',
  INTERNAL: 'upstream',
};

const MAX_MESSAGE = 500;

function kindForHttp(status: number): ErrorKind {
  if (status === 401) return 'authentication';
  if (status === 403) return 'permission';
  if (status === 404) return 'not_found';
  if (status === 429) return 'rate_limit';
  if (status === 503) return 'overloaded';
  if (status === 504) return 'timeout';
  return status >= 500 ? 'upstream' : 'invalid_request';
}

interface GoogleError {
  code?: number;
  message?: string;
  status?: string;
  details?: Array<{ reason?: string }>;
}

/** The `error` object of a Google error body or stream event, read into a kind and message. */
export function googleErrorInfo(error: GoogleError, httpStatus: number): UpstreamErrorInfo {
  const keyInvalid = error.details?.some((detail) => detail.reason === 'API_KEY_INVALID') ?? false;
  const kind = keyInvalid
    ? 'authentication'
    : ((error.status ? KIND_BY_STATUS[error.status] : undefined) ?? kindForHttp(error.code ?? httpStatus));
  // Gemini says "The input token count (N) exceeds the maximum number of tokens allowed (M)" as INVALID_ARGUMENT.
  return withOverflowWording({
    kind,
    message: error.message || `the upstream answered HTTP ${httpStatus}`,
    ...(error.status ? { code: error.status } : {}),
  });
}

export function decodeGeminiError(status: number, body: string): UpstreamErrorInfo {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    parsed = undefined;
  }
  // A streamed error answer may come as a one-element array.
  const first = Array.isArray(parsed) ? parsed[0] : parsed;
  const error = (first as { error?: GoogleError } | undefined)?.error;
  if (error && typeof error === 'object') return googleErrorInfo(error, status);
  return {
    kind: kindForHttp(status),
    message: body.trim().slice(0, MAX_MESSAGE) || `the upstream answered HTTP ${status}`,
  };
}
