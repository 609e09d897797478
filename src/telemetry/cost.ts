import type { PriceConfig } from '../config/schema.js';
import type { TokenUsage } from './request-record.js';

/**
 * The USD cost of one request from its token counts and the target's prices (USD per million tokens). Cache
 * reads and writes are billed at their own prices where configured, else at the input price; input tokens count
 * the cached ones too, so those are taken out of the plain-input part.
 */
export function costOf(usage: TokenUsage, price: PriceConfig): number {
  const plainInput = Math.max(0, usage.inputTokens - usage.cachedTokens - usage.cacheWriteTokens);
  const micro =
    plainInput * price.input +
    usage.cachedTokens * (price.cached_input ?? price.input) +
    usage.cacheWriteTokens * (price.cache_write ?? price.input) +
    usage.outputTokens * price.output;
  return micro / 1_000_000;
}
