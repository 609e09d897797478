import type { ModelPrice } from '../model-price.js';
import { type Check, entry, type PriceTableEntry } from './entry.js';

const PRICING = 'https://groq.com/pricing';

/** No copy of groq.com's pricing page was found to read; `why` names the secondary sources. */
const secondary = (why: string): Check => ({ verified: false, source: PRICING, note: why });

/** Groq hosts open models at its own prices. */
function groq(model: string, price: ModelPrice, check: Check): PriceTableEntry {
  return entry('groq', model, price, check);
}

export const GROQ_PRICES: readonly PriceTableEntry[] = [
  groq('llama-3.3-70b-versatile', { input: 0.59, output: 0.79 }, secondary("LiteLLM's list agrees")),
  groq('llama-3.1-8b-instant', { input: 0.05, output: 0.08 }, secondary("LiteLLM's list agrees")),
  groq(
    'openai/gpt-oss-120b',
    { input: 0.15, cached_input: 0.075, output: 0.6 },
    secondary("TokenMix's copy of the pricing page (2026-06-04) and LiteLLM's list"),
  ),
  groq('openai/gpt-oss-20b', { input: 0.075, cached_input: 0.0375, output: 0.3 }, secondary("LiteLLM's list")),
];
