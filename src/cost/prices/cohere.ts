import { type Check, entry, type PriceTableEntry } from './entry.js';

const PRICING = 'https://cohere.com/pricing';

/** No copy of cohere.com's pricing page was found to read. */
const secondary: Check = { verified: false, source: PRICING, note: "LiteLLM's list (2026-07-24) agrees" };

export const COHERE_PRICES: readonly PriceTableEntry[] = [
  entry('cohere', 'command-a', { input: 2.5, output: 10 }, secondary),
  entry('cohere', 'command-r-plus', { input: 2.5, output: 10 }, secondary),
  entry('cohere', 'command-r', { input: 0.15, output: 0.6 }, secondary),
];
