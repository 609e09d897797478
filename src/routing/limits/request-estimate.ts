import { costOf } from '../../cost/cost-of.js';
import type { ModelRoute } from '../route-table.js';

/**
 * Output tokens reserved for a request that sets no max_tokens. It is settled to the real count when the
 * request ends; a client that wants its reservation exact sets max_tokens.
 */
export const DEFAULT_OUTPUT_RESERVATION = 1_024;
/** About four bytes of JSON per token: an over-estimate of the prompt (the markup counts too), settled later. */
const BYTES_PER_TOKEN = 4;

export interface TokenEstimate {
  readonly input: number;
  readonly output: number;
}

/**
 * What a request will use at most, reserved before it is sent. It costs no tokenizer run and no translation
 * on the hot path: the body's size for the input, and the client's own output cap (max_tokens,
 * max_completion_tokens or max_output_tokens, whichever its dialect uses) for the output.
 */
export function estimateTokens(bodyBytes: number, body: Record<string, unknown> | undefined): TokenEstimate {
  const cap = body?.max_tokens ?? body?.max_completion_tokens ?? body?.max_output_tokens;
  const output = typeof cap === 'number' && cap > 0 ? Math.ceil(cap) : DEFAULT_OUTPUT_RESERVATION;
  return { input: Math.ceil(bodyBytes / BYTES_PER_TOKEN), output };
}

/**
 * The most the request can cost at the prices of the route's targets (a fallback may land on the dearest);
 * 0 when none has a price. The one place the budget reservation reads prices from.
 */
export function estimateCost(route: ModelRoute, tokens: TokenEstimate): number {
  const usage = { inputTokens: tokens.input, outputTokens: tokens.output, cachedTokens: 0, cacheWriteTokens: 0 };
  let most = 0;
  for (const target of route.targets) {
    const resolved = target.provider.prices.priceFor(target.model);
    if (resolved) most = Math.max(most, costOf(usage, resolved.price));
  }
  return most;
}
