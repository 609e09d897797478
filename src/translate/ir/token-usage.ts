import type { TokenUsage } from '../../telemetry/request-record.js';
import type { IrUsage } from './types.js';

/** The telemetry view of IR usage (both count input as the total, cache reads and writes included). */
export function tokenUsageOf(usage: IrUsage): TokenUsage {
  return {
    inputTokens: usage.inputTokens,
    outputTokens: usage.outputTokens,
    cachedTokens: usage.cacheReadTokens,
    cacheWriteTokens: usage.cacheWriteTokens,
    ...(usage.reasoningTokens === undefined ? {} : { reasoningTokens: usage.reasoningTokens }),
  };
}
