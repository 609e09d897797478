import type { ModelPrice } from '../model-price.js';
import { type Check, entry, type PriceTableEntry, scaledTier } from './entry.js';

const PRICING = 'https://platform.claude.com/docs/en/about-claude/pricing';
const page = (slug: string) => `https://platform.claude.com/docs/en/models/${slug}/overview`;

/** Read on the pricing page's model table. */
const onPricing: Check = { verified: true, source: PRICING };
/** Read on the model's overview page. */
const onPage = (slug: string, note?: string): Check => ({ verified: true, source: page(slug), note });
/** Checked in an earlier review against the pricing page; no current copy of its row was found. */
const earlier = (note?: string): Check => ({ verified: true, source: PRICING, note });

/**
 * Anthropic prices each model's cache reads and 5-minute cache writes on its own row (1.25x input for writes,
 * and 0.1x for reads on most models but not all: Opus 5.5 and Sonnet 5.5 read at 0.05x, Fable 5.1 at 0.025x).
 * 1-hour cache writes (2x input) are not modelled: see docs/configuration.md#prices.
 */
function claude(
  model: string,
  [input, output]: [number, number],
  [read, write]: [number, number],
  check: Check,
  extra: Partial<ModelPrice> = {},
): PriceTableEntry {
  return entry('anthropic', model, { input, output, cached_input: read, cache_write: write, ...extra }, check);
}

/** Sonnet 4 / 4.5 with the 1M-token context beta: prompts over 200k tokens bill input 2x and output 1.5x. */
const SONNET_4_LONG = { above_input_tokens: 200_000, input: 6, output: 22.5, cached_input: 0.6, cache_write: 7.5 };
const SONNET_4_NOTE =
  "long-context tier (1M beta) from LiteLLM's list; the current model pages show a 200K window and no tier";

/** Haiku 5.5 bills a whole request whose prompt (cache reads and writes included) is over 100K tokens at 5x. */
const HAIKU_5_5: ModelPrice = { input: 0.1, output: 0.5, cached_input: 0.01, cache_write: 0.125 };

// The Claude API list price; Bedrock and Vertex list the same for global endpoints.
export const ANTHROPIC_PRICES: readonly PriceTableEntry[] = [
  claude('claude-fable-5-2', [8, 40], [0.2, 10], {
    verified: false,
    source: PRICING,
    note: 'released 2026-11-09; the copies of the vendor pages here predate it: claude-usage (checked 2026-12-01), rightsize and LaoZhang agree',
  }),
  claude('claude-fable-5-1', [10, 50], [0.25, 12.5], onPricing),
  claude('claude-fable-5', [10, 50], [1, 12.5], onPricing),
  claude('claude-mythos-5-1', [10, 50], [0.25, 12.5], onPricing),
  claude('claude-mythos-5', [10, 50], [1, 12.5], onPricing),
  claude('claude-opus-5-5', [4, 20], [0.2, 5], onPage('opus-5-5')),
  claude('claude-opus-5', [5, 25], [0.5, 6.25], onPricing),
  claude('claude-opus-4-8', [5, 25], [0.5, 6.25], onPricing),
  claude('claude-opus-4-7', [5, 25], [0.5, 6.25], onPricing),
  claude('claude-opus-4-6', [5, 25], [0.5, 6.25], onPricing),
  claude('claude-opus-4-5', [5, 25], [0.5, 6.25], onPricing),
  claude('claude-opus-4-1', [15, 75], [1.5, 18.75], onPricing),
  claude('claude-opus-4', [15, 75], [1.5, 18.75], onPricing),
  claude('claude-sonnet-5-5', [2, 10], [0.1, 2.5], {
    verified: false,
    source: page('sonnet-5-5'),
    note: 'the page copies here predate the 2026-10-07 cache-read cut and show $0.20; claudit (2026-10-24), PromptFuel and claude-usage (2026-12-01) give $0.10',
  }),
  claude('claude-sonnet-5', [2, 10], [0.2, 2.5], onPage('sonnet-5')),
  claude('claude-sonnet-4-6', [3, 15], [0.3, 3.75], earlier()),
  claude('claude-sonnet-4-5', [3, 15], [0.3, 3.75], onPage('sonnet-4-5', SONNET_4_NOTE), {
    long_context: SONNET_4_LONG,
  }),
  claude('claude-sonnet-4', [3, 15], [0.3, 3.75], earlier(SONNET_4_NOTE), { long_context: SONNET_4_LONG }),
  claude('claude-3-7-sonnet', [3, 15], [0.3, 3.75], earlier('retired')),
  claude('claude-haiku-5-5', [0.1, 0.5], [0.01, 0.125], onPage('haiku-5-5'), {
    long_context: scaledTier(HAIKU_5_5, 100_000, 5, 5),
  }),
  claude('claude-haiku-4-5', [1, 5], [0.1, 1.25], onPage('haiku-4-5')),
  claude('claude-3-5-haiku', [0.8, 4], [0.08, 1], earlier('retired')),
  // Haiku 3's cache prices are not the 1.25x / 0.1x of the others.
  claude('claude-3-haiku', [0.25, 1.25], [0.03, 0.3], {
    verified: false,
    source: PRICING,
    note: "cache read $0.03 and write $0.30 from LiteLLM's list and opencode's catalogue; the pricing-page copies here no longer list Haiku 3",
  }),
  claude('claude-3-opus', [15, 75], [1.5, 18.75], earlier('retired')),
];
