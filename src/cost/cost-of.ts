import type { TokenUsage } from '../telemetry/request-record.js';
import type { ModelPrice } from './model-price.js';

/**
 * The USD cost of one request from its normalised token counts (input includes cache reads and writes, output
 * includes reasoning; see TokenUsage). Each token is billed exactly once: plain input, cache reads and cache
 * writes at their own prices, reasoning apart from other output only where it has a price of its own. A prompt
 * over a long-context threshold bills the whole request at that tier, as the providers with tiers do.
 */
export function costOf(usage: TokenUsage, price: ModelPrice): number {
  const tier = tierFor(usage, price);
  const plainInput = Math.max(0, usage.inputTokens - usage.cachedTokens - usage.cacheWriteTokens);
  const reasoning = price.reasoning === undefined ? 0 : Math.min(usage.reasoningTokens ?? 0, usage.outputTokens);
  const micro =
    plainInput * tier.input +
    usage.cachedTokens * (tier.cached_input ?? tier.input) +
    usage.cacheWriteTokens * (tier.cache_write ?? tier.input) +
    (usage.outputTokens - reasoning) * tier.output +
    reasoning * (price.reasoning ?? tier.output);
  return micro / 1_000_000;
}

type Tier = Pick<ModelPrice, 'input' | 'output' | 'cached_input' | 'cache_write'>;

function tierFor(usage: TokenUsage, price: ModelPrice): Tier {
  const long = price.long_context;
  return long && usage.inputTokens > long.above_input_tokens ? long : price;
}
