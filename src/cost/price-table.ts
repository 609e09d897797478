import { ANTHROPIC_PRICES } from './prices/anthropic.js';
import { COHERE_PRICES } from './prices/cohere.js';
import { DEEPSEEK_PRICES } from './prices/deepseek.js';
import type { PriceTableEntry } from './prices/entry.js';
import { GOOGLE_PRICES } from './prices/google.js';
import { GROQ_PRICES } from './prices/groq.js';
import { MISTRAL_PRICES } from './prices/mistral.js';
import { OPENAI_PRICES } from './prices/openai.js';
import { XAI_PRICES } from './prices/xai.js';

export type { PriceTableEntry, PriceVendor } from './prices/entry.js';

/**
 * The shipped price table, USD per million tokens, one file per vendor under prices/. Prices change: the
 * config's `pricing:` overrides any entry, and an entry with `verified: false` is one the table could not
 * confirm on the vendor's own page (its note says what backs it instead).
 */
export const PRICE_TABLE: readonly PriceTableEntry[] = [
  ...OPENAI_PRICES,
  ...ANTHROPIC_PRICES,
  ...GOOGLE_PRICES,
  ...MISTRAL_PRICES,
  ...DEEPSEEK_PRICES,
  ...XAI_PRICES,
  ...GROQ_PRICES,
  ...COHERE_PRICES,
];
