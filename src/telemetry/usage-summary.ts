/** Usage reports: requests, tokens and cost summed per key, model, provider or tag over a time window. */

export const USAGE_GROUPS = ['key', 'model', 'provider', 'tag'] as const;
export type UsageGroup = (typeof USAGE_GROUPS)[number];

export interface UsageQuery {
  groupBy: UsageGroup;
  /** Epoch ms, inclusive. */
  since: number;
  /** Epoch ms, exclusive. */
  until: number;
}

/** Sums over one group's requests. Token counts follow TokenUsage: cached, cache-write and reasoning are parts. */
export interface UsageTotals {
  requests: number;
  inputTokens: number;
  outputTokens: number;
  cachedTokens: number;
  cacheWriteTokens: number;
  reasoningTokens: number;
  costUsd: number;
  /** Requests with tokens but no price: their cost is missing from costUsd. */
  unpricedRequests: number;
}

export interface UsageRow extends UsageTotals {
  /**
   * The key (client name), the requested model, the serving provider, or `tag=value`; null for requests
   * without one (no client, no provider, a key without tags).
   */
  group: string | null;
}

export function emptyTotals(): UsageTotals {
  return {
    requests: 0,
    inputTokens: 0,
    outputTokens: 0,
    cachedTokens: 0,
    cacheWriteTokens: 0,
    reasoningTokens: 0,
    costUsd: 0,
    unpricedRequests: 0,
  };
}

export function addTotals(into: UsageTotals, from: UsageTotals): void {
  into.requests += from.requests;
  into.inputTokens += from.inputTokens;
  into.outputTokens += from.outputTokens;
  into.cachedTokens += from.cachedTokens;
  into.cacheWriteTokens += from.cacheWriteTokens;
  into.reasoningTokens += from.reasoningTokens;
  into.costUsd += from.costUsd;
  into.unpricedRequests += from.unpricedRequests;
}
