/**
 * A model's price in USD per million tokens, in the config's own spelling (so a `pricing:` entry and a table
 * entry read the same). Cache reads, cache writes and reasoning fall back to the input / output price when unset.
 */
export interface ModelPrice {
  input: number;
  output: number;
  /** Cache reads (prompt-cache hits). */
  cached_input?: number | undefined;
  /**
   * Cache writes: Anthropic / Bedrock cache creation at the 5-minute TTL, OpenAI's 30-minute writes. Longer TTLs
   * (1 hour, 12 hours) cost more and are billed at this price too: see docs/configuration.md#prices.
   */
  cache_write?: number | undefined;
  /** Reasoning tokens, only where a provider prices them apart from other output. */
  reasoning?: number | undefined;
  /** A higher tier for requests whose prompt (all input tokens, cached ones included) exceeds a size. */
  long_context?: LongContextPrice | undefined;
}

/** The tier a whole request is billed at once its prompt exceeds `above_input_tokens` (e.g. Gemini 2.5 Pro). */
export interface LongContextPrice {
  above_input_tokens: number;
  input: number;
  output: number;
  cached_input?: number | undefined;
  cache_write?: number | undefined;
}

/** Where an effective price came from. */
export type PriceSource = 'config' | 'table' | 'self-hosted';

/** The price a request is billed at, and why. */
export interface ResolvedPrice {
  price: ModelPrice;
  source: PriceSource;
  /** The table entry it matched (a dated or cloud name maps to its base model), when from the table. */
  tableModel?: string | undefined;
  /** The provider's pricing page and the day the entry was checked, when from the table. */
  url?: string | undefined;
  date?: string | undefined;
  /** False when the table entry could not be checked against a published source. */
  verified?: boolean | undefined;
}
