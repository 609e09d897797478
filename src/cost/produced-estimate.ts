import type { TokenUsage } from '../telemetry/request-record.js';

/**
 * Usage for a stream that ended before the upstream reported its final usage (the client hung up, or the
 * upstream broke): what the upstream did report (the input counts of a start event) plus the output estimated
 * from what was produced, flagged as an estimate. A cut stream is billed for what it consumed, never as zero:
 * when no start event gave the input (an OpenAI-compatible stream reports it only in its last chunk), the prompt
 * the upstream has read is estimated from the request body (`promptTokens`, see tokensOfText), as the limits
 * reserve it; counting it as 0 billed a long prompt abandoned after a few words as those words alone.
 */
export function estimatedUsage(
  reported: Partial<TokenUsage> | undefined,
  producedOutputTokens: number,
  promptTokens: number,
): TokenUsage {
  return {
    inputTokens: reported?.inputTokens ?? promptTokens,
    cachedTokens: reported?.cachedTokens ?? 0,
    cacheWriteTokens: reported?.cacheWriteTokens ?? 0,
    outputTokens: Math.max(reported?.outputTokens ?? 0, producedOutputTokens),
    estimated: true,
  };
}

/** About four characters of text a token (the providers' published rule of thumb for English). */
export function tokensOfText(characters: number): number {
  return Math.ceil(characters / 4);
}
