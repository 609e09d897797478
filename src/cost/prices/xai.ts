import type { ModelPrice } from '../model-price.js';
import { type Check, entry, type PriceTableEntry } from './entry.js';

const MODELS = 'https://docs.x.ai/developers/models';

const earlier = (note?: string): Check => ({ verified: true, source: MODELS, note });
/** No copy of docs.x.ai's model pages was found to read; `why` names the secondary sources. */
const secondary = (why: string): Check => ({ verified: false, source: MODELS, note: why });

/** Reasoning tokens bill at the output price. */
function grok(model: string, price: ModelPrice, check: Check): PriceTableEntry {
  return entry('xai', model, price, check);
}

export const XAI_PRICES: readonly PriceTableEntry[] = [
  grok(
    'grok-4.5',
    {
      input: 2,
      output: 6,
      cached_input: 0.5,
      long_context: { above_input_tokens: 200_000, input: 4, output: 12, cached_input: 1 },
    },
    secondary(
      "LiteLLM's list, APIYI (checked against xAI 2026-07-13), Perplexity's gateway docs and an issue quoting docs.x.ai agree",
    ),
  ),
  grok(
    'grok-4.3',
    {
      input: 1.25,
      output: 2.5,
      cached_input: 0.2,
      long_context: { above_input_tokens: 200_000, input: 2.5, output: 5, cached_input: 0.4 },
    },
    secondary("LiteLLM's list and APIYI (checked against xAI 2026-07-13) agree"),
  ),
  grok(
    'grok-4',
    {
      input: 3,
      output: 15,
      cached_input: 0.75,
      long_context: { above_input_tokens: 128_000, input: 6, output: 30, cached_input: 1.5 },
    },
    secondary("LiteLLM's list gives the base and the >128K tier; the >128K cache-read price is assumed 2x"),
  ),
  grok(
    'grok-4-fast-reasoning',
    { input: 0.2, output: 0.5, cached_input: 0.05 },
    secondary("LiteLLM's list agrees; retired 2026-05-15; its >128K tier ($0.40 / $1) is not in the table"),
  ),
  grok(
    'grok-4-fast-non-reasoning',
    { input: 0.2, output: 0.5, cached_input: 0.05 },
    secondary("LiteLLM's list agrees; retired 2026-05-15; its >128K tier ($0.40 / $1) is not in the table"),
  ),
  grok(
    'grok-code-fast-1',
    { input: 0.2, output: 1.5, cached_input: 0.02 },
    secondary("LiteLLM's list agrees; retired 2026-05-15"),
  ),
  grok('grok-3', { input: 3, output: 15, cached_input: 0.75 }, earlier('retired 2026-05-15 per LiteLLM')),
  grok('grok-3-mini', { input: 0.3, output: 0.5, cached_input: 0.075 }, earlier('retired 2026-02-28 per LiteLLM')),
];
