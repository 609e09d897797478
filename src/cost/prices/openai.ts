import type { ModelPrice } from '../model-price.js';
import { type Check, entry, type PriceTableEntry, scaledTier } from './entry.js';

const PRICING = 'https://developers.openai.com/api/docs/pricing';
const page = (model: string) => `https://developers.openai.com/api/docs/models/${model}`;

/** Read on the model's page on developers.openai.com. */
const onPage = (model: string, note?: string): Check => ({ verified: true, source: page(model), note });
/** Input and output read on the models overview; `rest` names what comes from LiteLLM's list and TokenMix. */
const onModels = (rest: string): Check => ({
  verified: true,
  source: 'https://developers.openai.com/docs/models',
  note: `input and output read on the models overview; ${rest} from LiteLLM's list and TokenMix's copy`,
});
/** Checked in an earlier review against the pricing page; the current secondary lists agree. */
const earlier: Check = { verified: true, source: PRICING };
/** Only secondary sources back it; `why` names them. */
const secondary = (why: string): Check => ({ verified: false, source: PRICING, note: why });

const LITELLM = "LiteLLM's price list (2026-07-24)";

/** Cached input is the prompt-cache read price; `write` the cache-write price where OpenAI bills one. */
function openai(
  model: string,
  [input, cached, output]: [number, number | undefined, number],
  check: Check,
  opts: { write?: number; longContext?: boolean } = {},
): PriceTableEntry {
  const price: ModelPrice = { input, cached_input: cached, cache_write: opts.write, output };
  // Over 272K input tokens OpenAI bills the whole request at 2x input and cache rates and 1.5x output.
  if (opts.longContext) price.long_context = scaledTier(price, 272_000, 2, 1.5);
  return entry('openai', model, price, check);
}

const LONG = { longContext: true };

// Reasoning tokens bill as output on every OpenAI model.
export const OPENAI_PRICES: readonly PriceTableEntry[] = [
  openai('gpt-6.2-sol', [2, 0.1, 10], onPage('gpt-6.2-sol'), { write: 2.5, longContext: true }),
  openai('gpt-6.1-sol', [2, 0.1, 10], secondary('APIYI, LaoZhang and two release notes quoting the model page'), {
    write: 2.5,
    longContext: true,
  }),
  openai('gpt-6-sol', [2, 0.2, 10], onPage('gpt-6-sol'), { write: 2.5, longContext: true }),
  openai('gpt-6-luna', [0.1, 0.01, 0.5], onPage('gpt-6-luna'), { write: 0.125, longContext: true }),
  openai(
    'gpt-6-astra',
    [10, 1, 50],
    {
      verified: true,
      source: 'https://developers.openai.com/api/docs/models/compare',
      note: "long-context tier from LiteLLM's release note; the compare page lists only the base prices",
    },
    { write: 12.5, longContext: true },
  ),
  openai(
    'gpt-5.6-sol',
    [5, 0.5, 30],
    secondary('LaoZhang and APIYI price lists (2026-08); cache writes at 1.25x input as on the GPT-5.6 Luna page'),
    {
      write: 6.25,
      longContext: true,
    },
  ),
  openai(
    'gpt-5.6-terra',
    [2, 0.2, 12],
    secondary('LaoZhang and PromptFuel (the 2026-07-30 cut); cache writes at 1.25x input as on the Luna page'),
    {
      write: 2.5,
      longContext: true,
    },
  ),
  openai(
    'gpt-5.6-luna',
    [0.2, 0.02, 1.2],
    onPage('gpt-5.6-luna', 'the page gives the 272K tier as 2x input and 1.5x output; cache reads assumed 2x too'),
    { write: 0.25, longContext: true },
  ),
  openai('gpt-5.5', [5, 0.5, 30], onModels('cached input and the 272K tier'), LONG),
  openai('gpt-5.5-pro', [30, undefined, 180], secondary(`${LITELLM} and Apidog`), LONG),
  openai('gpt-5.4', [2.5, 0.25, 15], onModels('cached input and the 272K tier'), LONG),
  openai('gpt-5.4-pro', [30, undefined, 180], secondary(`${LITELLM} and Morph`), LONG),
  openai('gpt-5.4-mini', [0.75, 0.075, 4.5], onModels('cached input; no 272K tier is published for it there')),
  openai(
    'gpt-5.4-nano',
    [0.2, 0.02, 1.25],
    secondary(`${LITELLM}, TokenMix; no 272K tier is published for it in those copies`),
  ),
  openai('gpt-5.2', [1.75, 0.175, 14], secondary(`${LITELLM}, BenchLM and GitHub Copilot's price table`)),
  openai('gpt-5.2-pro', [21, undefined, 168], secondary(`${LITELLM} and BenchLM`)),
  openai('gpt-5.1', [1.25, 0.125, 10], earlier),
  openai('gpt-5', [1.25, 0.125, 10], earlier),
  openai('gpt-5-mini', [0.25, 0.025, 2], earlier),
  openai('gpt-5-nano', [0.05, 0.005, 0.4], earlier),
  openai('gpt-5-pro', [15, undefined, 120], earlier),
  openai('gpt-4.1', [2, 0.5, 8], earlier),
  openai('gpt-4.1-mini', [0.4, 0.1, 1.6], earlier),
  openai('gpt-4.1-nano', [0.1, 0.025, 0.4], earlier),
  openai('gpt-4o', [2.5, 1.25, 10], earlier),
  openai('gpt-4o-mini', [0.15, 0.075, 0.6], earlier),
  openai('o3', [2, 0.5, 8], earlier),
  openai('o3-mini', [1.1, 0.55, 4.4], earlier),
  openai('o4-mini', [1.1, 0.275, 4.4], earlier),
  openai('o1', [15, 7.5, 60], secondary(`${LITELLM} and an OpenAI forum quote of the pricing page`)),
  openai('o3-pro', [20, undefined, 80], secondary(LITELLM)),
  openai('gpt-4-turbo', [10, undefined, 30], secondary(LITELLM)),
  openai('gpt-3.5-turbo', [0.5, undefined, 1.5], earlier),
  openai('text-embedding-3-small', [0.02, undefined, 0], earlier),
  openai('text-embedding-3-large', [0.13, undefined, 0], earlier),
  openai('text-embedding-ada-002', [0.1, undefined, 0], secondary(LITELLM)),
];
