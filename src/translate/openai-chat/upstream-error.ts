import type { ErrorKind } from '../../errors/gateway-error.js';
import type { UpstreamErrorInfo } from '../contract.js';
import { withOverflowWording } from '../shared/context-overflow.js';
import { isObject, type JsonObject } from './field-readers.js';

/**
 * Error bodies of OpenAI-compatible upstreams. OpenAI sends `{"error":{"message","type","param","code"}}`;
 * compatible servers also send `{"error":"text"}` (Ollama, llama.cpp) and a bare `{"message":...}` (vLLM's
 * `{"object":"error","message",...,"code":400}`). The HTTP status decides the kind when there is one; inside
 * a stream there is none, so the error's `type` / `code` decide.
 */

const MAX_RAW_MESSAGE = 500;

export function kindForStatus(status: number): ErrorKind {
  if (status === 401) return 'authentication';
  if (status === 403) return 'permission';
  if (status === 404) return 'not_found';
  if (status === 408 || status === 504) return 'timeout';
  if (status === 413) return 'payload_too_large';
  if (status === 429) return 'rate_limit';
  if (status === 503 || status === 529) return 'overloaded';
  if (status >= 500) return 'upstream';
  return 'invalid_request';
}

const KIND_FOR_LABEL: ReadonlyArray<readonly [RegExp, ErrorKind]> = [
  [/rate_limit|insufficient_quota|too_many_requests/, 'rate_limit'],
  [/overload|unavailable|capacity/, 'overloaded'],
  [/timeout|timed_out/, 'timeout'],
  [/authentication|invalid_api_key|unauthorized/, 'authentication'],
  [/permission|forbidden/, 'permission'],
  [/not_found/, 'not_found'],
  [/context_length|invalid_request|bad_request|invalid_value/, 'invalid_request'],
];

/** The kind of an error that arrived without an HTTP status (mid-stream), from its `type` or `code`. */
function kindForPayload(error: JsonObject): ErrorKind {
  const numeric = [error.code, error.status].find((value) => typeof value === 'number');
  if (typeof numeric === 'number' && numeric >= 400) return kindForStatus(numeric);
  const label = [error.type, error.code]
    .filter((value) => typeof value === 'string')
    .join(' ')
    .toLowerCase();
  return KIND_FOR_LABEL.find(([pattern]) => pattern.test(label))?.[1] ?? 'upstream';
}

function messageOf(payload: JsonObject): string | undefined {
  const error = payload.error;
  if (isObject(error) && typeof error.message === 'string') return error.message;
  if (typeof error === 'string') return error;
  return typeof payload.message === 'string' ? payload.message : undefined;
}

/** The `{"error":...}` of a stream event (or `{"message":...}`), read without an HTTP status. */
export function streamErrorInfo(payload: JsonObject): UpstreamErrorInfo {
  const error = isObject(payload.error) ? payload.error : payload;
  return { kind: kindForPayload(error), message: messageOf(payload) ?? 'the upstream reported an error mid-stream' };
}

function parseJson(body: string): unknown {
  try {
    return JSON.parse(body);
  } catch {
    return undefined;
  }
}

/** OpenAI's string `error.code` (`context_length_exceeded`, `invalid_api_key`, ...), when there is one. */
function codeOf(payload: JsonObject): string | undefined {
  const error = payload.error;
  return isObject(error) && typeof error.code === 'string' && error.code !== '' ? error.code : undefined;
}

export function decodeChatError(status: number, body: string): UpstreamErrorInfo {
  const payload = parseJson(body);
  const message = isObject(payload) ? messageOf(payload) : undefined;
  const raw = body.trim().slice(0, MAX_RAW_MESSAGE);
  const info: UpstreamErrorInfo = {
    kind: kindForStatus(status),
    message: message ?? (raw || `the upstream answered HTTP ${status}`),
    code: isObject(payload) ? codeOf(payload) : undefined,
  };
  // Decoded only for translated requests, whose clients are Anthropic or Responses clients.
  return withOverflowWording(info);
}
