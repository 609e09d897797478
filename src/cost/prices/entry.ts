import type { LongContextPrice, ModelPrice } from '../model-price.js';

/** Who publishes the price: the model's own vendor, or the host that serves open models at its own prices. */
export type PriceVendor = 'openai' | 'anthropic' | 'google' | 'mistral' | 'deepseek' | 'xai' | 'groq' | 'cohere';

export interface PriceTableEntry extends ModelPrice {
  vendor: PriceVendor;
  /** The model's base name; dated snapshots and cloud spellings map to it (see model-names.ts). */
  model: string;
  /** The page the prices were read from: the vendor's model or pricing page. */
  source: string;
  /** The day the entry was last checked. */
  date: string;
  /**
   * True only when the prices were read on the vendor's own page (its domain, any language or mirror of that
   * page). False when only secondary sources (price lists, resellers, release notes) back them; `note` says
   * which, and `amg prices` marks the entry.
   */
  verified: boolean;
  note?: string | undefined;
}

/** How an entry was checked: the page it was read from, whether that page is the vendor's, and why not. */
export interface Check {
  verified: boolean;
  source: string;
  note?: string;
}

/** The day this table was last checked against its sources. */
export const CHECKED = '2026-12-04';

export function entry(vendor: PriceVendor, model: string, price: ModelPrice, check: Check): PriceTableEntry {
  const defined = Object.fromEntries(Object.entries(price).filter(([, value]) => value !== undefined)) as ModelPrice;
  const { verified, source, note } = check;
  return { vendor, model, source, date: CHECKED, verified, ...defined, ...(note ? { note } : {}) };
}

export function round(value: number): number {
  return Math.round(value * 1e6) / 1e6;
}

/**
 * A tier that multiplies every base price: OpenAI bills a whole request over 272K input tokens at 2x input and
 * cache rates and 1.5x output; Anthropic's Haiku 5.5 bills one over 100K at 5x everything.
 */
export function scaledTier(
  price: ModelPrice,
  aboveInputTokens: number,
  inputFactor: number,
  outputFactor: number,
): LongContextPrice {
  const tier: LongContextPrice = {
    above_input_tokens: aboveInputTokens,
    input: round(price.input * inputFactor),
    output: round(price.output * outputFactor),
  };
  if (price.cached_input !== undefined) tier.cached_input = round(price.cached_input * inputFactor);
  if (price.cache_write !== undefined) tier.cache_write = round(price.cache_write * inputFactor);
  return tier;
}
