import type { TokenUsage } from '../telemetry/request-record.js';
import { estimatePromptTokens } from './prompt-estimate.js';

/**
 * Usage for a stream that ended before the upstream reported its final usage (the client hung up, or the
 * upstream broke): what the upstream did report (the input counts of a start event; else the input estimated
 * from the request body) plus the output estimated from what was produced, flagged as an estimate. A cut stream is billed for what it consumed, never as zero.
 */
export function estimatedUsage(
  reported: Partial<TokenUsage> | undefined,
  producedOutputTokens: number,
  /** The request body, for an input estimate when the upstream reported none (see prompt-estimate.ts). */
  requestBody?: Uint8Array,
): TokenUsage {
  return {
    inputTokens: reported?.inputTokens || estimatePromptTokens(requestBody),
    cachedTokens: reported?.cachedTokens ?? 0,
    cacheWriteTokens: reported?.cacheWriteTokens ?? 0,
    outputTokens: Math.max(reported?.outputTokens ?? 0, producedOutputTokens),
    estimated: true,
  };
}

/**
 * A same-dialect stream's usage when the upstream reported none: `producedTokens` of output (one a delta event)
 * and the prompt estimated from the request when anything was produced or the client left (the upstream read
 * the prompt either way); null for a stream that produced nothing while its client stayed.
 */
export function unreportedStreamUsage(
  producedTokens: number,
  clientLeft: boolean,
  requestBody: Uint8Array | undefined,
): TokenUsage | null {
  return producedTokens > 0 || clientLeft ? estimatedUsage(undefined, producedTokens, requestBody) : null;
}

/** About four characters of text a token (the providers' published rule of thumb for English). */
export function tokensOfText(characters: number): number {
  return Math.ceil(characters / 4);
}
