import type { UpstreamCodec } from '../contract.js';
import { buildGeminiRequest } from './request-to-upstream.js';
import { decodeGeminiResponse } from './response-from-upstream.js';
import { geminiFailedAnswer } from './stop-reason.js';
import { GeminiStreamDecoder } from './stream-from-upstream.js';
import { decodeGeminiError } from './upstream-error.js';

/** Gemini generateContent as the upstream's dialect (the Gemini API, and Gemini models on Vertex AI). */
export const geminiUpstreamCodec: UpstreamCodec = {
  buildRequest: buildGeminiRequest,
  decodeResponse: decodeGeminiResponse,
  streamDecoder: () => new GeminiStreamDecoder(),
  decodeError: decodeGeminiError,
  failedAnswer: geminiFailedAnswer,
};
