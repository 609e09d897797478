import type { ClientCodec, UpstreamCodec } from '../contract.js';
import { anthropicClientField, parseAnthropicRequest } from './request-from-client.js';
import { buildAnthropicRequest } from './request-to-upstream.js';
import { decodeAnthropicResponse } from './response-from-upstream.js';
import { encodeAnthropicResponse } from './response-to-client.js';
import { anthropicStreamDecoder } from './stream-from-upstream.js';
import { anthropicStreamEncoder } from './stream-to-client.js';
import { decodeAnthropicError } from './upstream-error.js';

/** Anthropic Messages as the client's dialect (POST /v1/messages in front of a non-Anthropic upstream). */
export const anthropicClientCodec: ClientCodec = {
  parseRequest: parseAnthropicRequest,
  encodeResponse: encodeAnthropicResponse,
  streamEncoder: anthropicStreamEncoder,
  clientField: anthropicClientField,
};

/** Anthropic Messages as the upstream's dialect (behind a Chat Completions or Responses client). */
export const anthropicUpstreamCodec: UpstreamCodec = {
  buildRequest: buildAnthropicRequest,
  decodeResponse: decodeAnthropicResponse,
  streamDecoder: anthropicStreamDecoder,
  decodeError: decodeAnthropicError,
};
