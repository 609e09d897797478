import type { IrUsage } from '../ir/types.js';
import type { GeminiUsageMetadata } from './wire-types.js';

/**
 * Gemini's usageMetadata in the IR's terms (the one place the Gemini usage mapping lives, for cost and
 * telemetry). Input is the prompt plus the tool-use prompt; cached content is part of the prompt count.
 * Gemini counts thoughts apart from candidates, while the IR's output includes reasoning, so they add up.
 */
export function usageFromGemini(usage: GeminiUsageMetadata | undefined): IrUsage {
  const thoughts = usage?.thoughtsTokenCount ?? 0;
  const result: IrUsage = {
    inputTokens: (usage?.promptTokenCount ?? 0) + (usage?.toolUsePromptTokenCount ?? 0),
    outputTokens: (usage?.candidatesTokenCount ?? 0) + thoughts,
    cacheReadTokens: usage?.cachedContentTokenCount ?? 0,
    cacheWriteTokens: 0,
  };
  if (thoughts > 0) result.reasoningTokens = thoughts;
  return result;
}
