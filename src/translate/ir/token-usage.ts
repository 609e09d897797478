import type { TokenUsage } from '../../telemetry/request-record.js';
import type { IrUsage } from './types.js';

/** The telemetry view of IR usage (both count input as the total, cache reads and writes included). */
export function tokenUsageOf(usage: IrUsage): TokenUsage {
  const tokens: TokenUsage = {
    inputTokens: usage.inputTokens,
    outputTokens: usage.outputTokens,
    cachedTokens: usage.cacheReadTokens,
    cacheWriteTokens: usage.cacheWriteTokens,
  };
  // Set, not spread in: a spread member goes through V8's runtime in Node 20 (every translated answer passes here).
  if (usage.reasoningTokens !== undefined) tokens.reasoningTokens = usage.reasoningTokens;
  return tokens;
}
