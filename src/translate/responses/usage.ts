import type { IrUsage } from '../ir/types.js';
import type { ResponsesUsage } from './wire.js';

/** IR usage in Responses terms; both count input with cache reads and writes included, so nothing is re-added. */
export function responsesUsage(usage: IrUsage): ResponsesUsage {
  return {
    input_tokens: usage.inputTokens,
    input_tokens_details: { cached_tokens: usage.cacheReadTokens, cache_write_tokens: usage.cacheWriteTokens },
    output_tokens: usage.outputTokens,
    output_tokens_details: { reasoning_tokens: usage.reasoningTokens ?? 0 },
    total_tokens: usage.inputTokens + usage.outputTokens,
  };
}
