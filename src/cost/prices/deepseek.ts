import type { ModelPrice } from '../model-price.js';
import { type Check, entry, type PriceTableEntry } from './entry.js';

const PRICING = 'https://api-docs.deepseek.com/quick_start/pricing';

/**
 * DeepSeek bills peak hours (01:00-04:00 and 06:00-10:00 UTC on weekdays) at twice the off-peak rate. The table
 * has one price per model, so it carries the peak rate: a budget errs high, never low. "Cache hit" is the
 * cached-input price; thinking tokens bill as output.
 */
function deepseek(model: string, [hit, miss, output]: [number, number, number], check: Check): PriceTableEntry {
  const price: ModelPrice = { input: miss, cached_input: hit, output };
  return entry('deepseek', model, price, check);
}

const onPricing: Check = { verified: true, source: PRICING, note: 'peak-hour rate; off-peak is half' };
const FLASH: [number, number, number] = [0.006, 0.3, 1.2];

export const DEEPSEEK_PRICES: readonly PriceTableEntry[] = [
  deepseek('deepseek-flash', FLASH, onPricing),
  // The page: the legacy name is still accepted, served by the current Flash model at the Flash price.
  deepseek('deepseek-v4-flash', FLASH, onPricing),
  deepseek('deepseek-v4-pro', [0.044, 1.32, 3.96], onPricing),
  deepseek('deepseek-chat', FLASH, {
    verified: false,
    source: PRICING,
    note: 'legacy name, no longer on the page (retired 2026-07-24 per a release note); priced as deepseek-flash at the peak rate',
  }),
  deepseek('deepseek-reasoner', FLASH, {
    verified: false,
    source: PRICING,
    note: 'legacy name, no longer on the page (retired 2026-07-24 per a release note); priced as deepseek-flash at the peak rate',
  }),
];
