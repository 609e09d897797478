import type { IrUsage } from '../ir/types.js';
import type { BedrockUsage } from './wire-types.js';

/**
 * Bedrock's usage in the IR's terms (the one place the Bedrock usage mapping lives, for cost and telemetry).
 * Like Anthropic's, Bedrock's inputTokens leaves out cache reads and writes, which the IR counts in its input.
 */
export function usageFromBedrock(usage: BedrockUsage | undefined): IrUsage {
  const cacheRead = usage?.cacheReadInputTokens ?? 0;
  const cacheWrite = usage?.cacheWriteInputTokens ?? 0;
  return {
    inputTokens: (usage?.inputTokens ?? 0) + cacheRead + cacheWrite,
    outputTokens: usage?.outputTokens ?? 0,
    cacheReadTokens: cacheRead,
    cacheWriteTokens: cacheWrite,
  };
}
