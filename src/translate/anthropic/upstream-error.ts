import type { ErrorKind } from '../../errors/gateway-error.js';
import type { UpstreamErrorInfo } from '../contract.js';
import { isObject } from './body-reader.js';
import { kindForAnthropicType } from './error-types.js';

/**
 * Reads an Anthropic error body, `{"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}}`,
 * into a kind and message. The `error.type` decides the kind; an unknown type or a body that is not
 * Anthropic's shape (a proxy's HTML page, an empty body) falls back to the HTTP status.
 */

const MAX_MESSAGE_LENGTH = 500;

function kindForStatus(status: number): ErrorKind {
  if (status === 401) return 'authentication';
  if (status === 403) return 'permission';
  if (status === 404) return 'not_found';
  if (status === 413) return 'payload_too_large';
  if (status === 429) return 'rate_limit';
  if (status === 504) return 'timeout';
  if (status === 529 || status === 503) return 'overloaded';
  if (status >= 400 && status < 500) return 'invalid_request';
  return 'upstream';
}

function parse(body: string): unknown {
  try {
    return JSON.parse(body);
  } catch {
    return undefined;
  }
}

/**
 * Anthropic's context overflow ("prompt is too long: 210000 tokens > 200000 maximum") carries OpenAI's
 * `context_length_exceeded` code for OpenAI-dialect clients: Codex, for one, reacts to that code (it tells the
 * user the context window is full instead of retrying), not to the wording.
 */
const CONTEXT_OVERFLOW = /prompt is too long/i;

export function decodeAnthropicError(status: number, body: string): UpstreamErrorInfo {
  const parsed = parse(body);
  const error = isObject(parsed) && isObject(parsed.error) ? parsed.error : undefined;
  const message = typeof error?.message === 'string' && error.message !== '' ? error.message : undefined;
  const fallback = body.trim().slice(0, MAX_MESSAGE_LENGTH) || `the upstream answered HTTP ${status}`;
  return {
    kind: kindForAnthropicType(error?.type) ?? kindForStatus(status),
    message: message ?? (error ? `the upstream answered HTTP ${status}` : fallback),
    code: message !== undefined && CONTEXT_OVERFLOW.test(message) ? 'context_length_exceeded' : undefined,
  };
}
