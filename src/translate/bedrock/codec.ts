import type { UpstreamCodec } from '../contract.js';
import { buildBedrockRequest } from './request-to-upstream.js';
import { decodeBedrockResponse } from './response-from-upstream.js';
import { bedrockFailedAnswer } from './stop-reason.js';
import { BedrockStreamDecoder } from './stream-from-upstream.js';
import { decodeBedrockError } from './upstream-error.js';

/** Bedrock Converse as the upstream's dialect (every Bedrock model, through one API). */
export const bedrockUpstreamCodec: UpstreamCodec = {
  buildRequest: buildBedrockRequest,
  decodeResponse: decodeBedrockResponse,
  streamDecoder: (upstreamModel) => new BedrockStreamDecoder(upstreamModel),
  decodeError: decodeBedrockError,
  failedAnswer: bedrockFailedAnswer,
};
