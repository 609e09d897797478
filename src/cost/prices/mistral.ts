import { type Check, entry, type PriceTableEntry } from './entry.js';

const PRICING = 'https://mistral.ai/pricing#api-pricing';

/** No copy of Mistral's pricing page was found to read; `why` names the secondary sources. */
const secondary = (why: string): Check => ({ verified: false, source: PRICING, note: why });

/**
 * La Plateforme: no published cache discount. The `-latest` aliases move to new models, and their prices with
 * them; pin a dated name in the config and price it with `pricing:` when the bill matters.
 */
function mistral(model: string, [input, output]: [number, number], check: Check): PriceTableEntry {
  return entry('mistral', model, { input, output }, check);
}

export const MISTRAL_PRICES: readonly PriceTableEntry[] = [
  mistral(
    'mistral-large-latest',
    [0.5, 1.5],
    secondary(
      'Mistral Large 3 as LiteLLM and Vercel list it (the old $2 / $6 was Large 2); if the alias now serves Large 4, secondary lists disagree on its price ($0.68 / $2.09 or $1.36 / $4.18)',
    ),
  ),
  mistral(
    'mistral-medium-latest',
    [1.5, 7.5],
    secondary(
      'Mistral Medium 3.5 as LiteLLM, OpenRouter and a model-card quote list it (the old $0.40 / $2 was Medium 3)',
    ),
  ),
  mistral(
    'mistral-small-latest',
    [0.1, 0.3],
    secondary("unconfirmed: LiteLLM's list gives $0.06 / $0.18 for Small 3.2 and no second source agrees"),
  ),
  mistral('codestral-latest', [0.3, 0.9], secondary("Codestral 25.08 as LiteLLM's list gives it")),
  mistral('magistral-medium-latest', [2, 5], {
    verified: true,
    source: PRICING,
    note: "checked in an earlier review; LiteLLM's list agrees",
  }),
  mistral('mistral-embed', [0.1, 0], secondary("LiteLLM's list agrees")),
];
