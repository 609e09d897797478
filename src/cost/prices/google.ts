import type { ModelPrice } from '../model-price.js';
import { type Check, entry, type PriceTableEntry } from './entry.js';

const PRICING = 'https://ai.google.dev/gemini-api/docs/pricing';

/** Checked in an earlier review against the pricing page; the current secondary lists agree. */
const earlier = (note?: string): Check => ({ verified: true, source: PRICING, note });
/** Only secondary sources back it: no copy of ai.google.dev's pricing page was found to read. */
const secondary = (why: string): Check => ({ verified: false, source: PRICING, note: why });

const LITELLM_ONLY = "LiteLLM's list (2026-07-24)";
const LISTS = "LiteLLM's list (2026-07-24) and Morph's copy of the pricing page agree";

/** Paid tier, text input. Thinking tokens bill as output. */
function gemini(model: string, price: ModelPrice, check: Check): PriceTableEntry {
  return entry('google', model, price, check);
}

/** Prompts over 200k tokens bill the whole request at the higher tier. */
function over200k(input: number, output: number, cached: number) {
  return { above_input_tokens: 200_000, input, output, cached_input: cached };
}

// Context-cache storage per hour is not a per-request cost and is not modelled.
export const GOOGLE_PRICES: readonly PriceTableEntry[] = [
  gemini(
    'gemini-3.1-pro',
    { input: 2, output: 12, cached_input: 0.2, long_context: over200k(4, 18, 0.4) },
    secondary(`${LISTS}; inference.sh lists the same tier`),
  ),
  gemini(
    'gemini-3-pro',
    { input: 2, output: 12, cached_input: 0.2, long_context: over200k(4, 18, 0.4) },
    secondary(`${LISTS}; the preview was shut down in 2026-03 per LiteLLM`),
  ),
  gemini('gemini-3.5-flash', { input: 1.5, output: 9, cached_input: 0.15 }, secondary(LISTS)),
  gemini('gemini-3-flash', { input: 0.5, output: 3, cached_input: 0.05 }, secondary(LISTS)),
  gemini('gemini-3.1-flash-lite', { input: 0.25, output: 1.5, cached_input: 0.025 }, secondary(LISTS)),
  gemini(
    'gemini-2.5-pro',
    { input: 1.25, output: 10, cached_input: 0.125, long_context: over200k(2.5, 15, 0.25) },
    earlier(`cached-input prices from ${LISTS}`),
  ),
  gemini('gemini-2.5-flash', { input: 0.3, output: 2.5, cached_input: 0.03 }, secondary(LISTS)),
  gemini('gemini-2.5-flash-lite', { input: 0.1, output: 0.4, cached_input: 0.01 }, secondary(LISTS)),
  gemini(
    'gemini-2.0-flash',
    { input: 0.1, output: 0.4, cached_input: 0.025 },
    secondary(`${LISTS}; shut down 2026-06-01`),
  ),
  gemini(
    'gemini-2.0-flash-lite',
    { input: 0.075, output: 0.3, cached_input: 0.01875 },
    secondary(`${LITELLM_ONLY}; shut down 2026-06-01`),
  ),
  gemini(
    'text-embedding-004',
    { input: 0, output: 0 },
    secondary('free of charge on the Gemini API in earlier copies; LiteLLM marks it deprecated 2026-01-14'),
  ),
];
