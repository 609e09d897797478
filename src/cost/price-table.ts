import type { ModelPrice } from './model-price.js';

/** Who publishes the price: the model's own vendor, or the host that serves open models at its own prices. */
export type PriceVendor = 'openai' | 'anthropic' | 'google' | 'mistral' | 'deepseek' | 'xai' | 'groq' | 'cohere';

export interface PriceTableEntry extends ModelPrice {
  vendor: PriceVendor;
  /** The model's base name; dated snapshots and cloud spellings map to it (see model-names.ts). */
  model: string;
  /** The vendor's pricing page. */
  source: string;
  /** The day the entry was last checked. */
  date: string;
  /**
   * True when the prices were checked against the vendor's page or a copy of it; false when they come from
   * secondary sources or memory and should be confirmed (`amg prices` shows which).
   */
  verified: boolean;
  note?: string | undefined;
}

const OPENAI = 'https://platform.openai.com/docs/pricing';
const ANTHROPIC = 'https://platform.claude.com/docs/en/about-claude/pricing';
const GOOGLE = 'https://ai.google.dev/gemini-api/docs/pricing';
const MISTRAL = 'https://mistral.ai/pricing#api-pricing';
const DEEPSEEK = 'https://api-docs.deepseek.com/quick_start/pricing';
const XAI = 'https://docs.x.ai/docs/models';
const GROQ = 'https://groq.com/pricing';
const COHERE = 'https://cohere.com/pricing';
const CHECKED = '2026-12-04';

function openai(
  model: string,
  input: number,
  cached: number | undefined,
  output: number,
  verified = true,
  note?: string,
) {
  return entry('openai', model, OPENAI, { input, cached_input: cached, output }, verified, note);
}

/** Anthropic: cache writes (5-minute TTL) cost 1.25x input, cache reads 0.1x, on every model. */
function claude(model: string, input: number, output: number, extra: Partial<ModelPrice> = {}, note?: string) {
  const price = { input, output, cached_input: round(input * 0.1), cache_write: round(input * 1.25), ...extra };
  return entry('anthropic', model, ANTHROPIC, price, true, note);
}

function entry(
  vendor: PriceVendor,
  model: string,
  source: string,
  price: ModelPrice,
  verified: boolean,
  note?: string,
): PriceTableEntry {
  const defined = Object.fromEntries(Object.entries(price).filter(([, value]) => value !== undefined)) as ModelPrice;
  return { vendor, model, source, date: CHECKED, verified, ...defined, ...(note ? { note } : {}) };
}

function round(value: number): number {
  return Math.round(value * 1e6) / 1e6;
}

/** Sonnet 4 / 4.5 with the 1M-token context: prompts over 200k tokens bill input 2x and output 1.5x. */
const SONNET_LONG = { above_input_tokens: 200_000, input: 6, output: 22.5, cached_input: 0.6, cache_write: 7.5 };

/**
 * The shipped price table, USD per million tokens. Prices change: the config's `pricing:` overrides any entry,
 * and an entry with `verified: false` is one the table could not confirm against a published source.
 */
export const PRICE_TABLE: readonly PriceTableEntry[] = [
  // OpenAI: cached input is the prompt-caching price; reasoning tokens bill as output.
  openai('gpt-5.5', 5, 0.5, 30, false, 'one secondary copy of the pricing page'),
  openai('gpt-5.4', 2.5, 0.25, 15, false, 'secondary copies of the pricing page'),
  openai('gpt-5.4-mini', 0.75, 0.075, 4.5, false, 'one secondary copy of the pricing page'),
  openai('gpt-5.4-nano', 0.2, 0.02, 1.25, false, 'one secondary copy of the pricing page'),
  openai('gpt-5.1', 1.25, 0.125, 10),
  openai('gpt-5', 1.25, 0.125, 10),
  openai('gpt-5-mini', 0.25, 0.025, 2),
  openai('gpt-5-nano', 0.05, 0.005, 0.4),
  openai('gpt-5-pro', 15, undefined, 120),
  openai('gpt-4.1', 2, 0.5, 8),
  openai('gpt-4.1-mini', 0.4, 0.1, 1.6),
  openai('gpt-4.1-nano', 0.1, 0.025, 0.4),
  openai('gpt-4o', 2.5, 1.25, 10),
  openai('gpt-4o-mini', 0.15, 0.075, 0.6),
  openai('o3', 2, 0.5, 8),
  openai('o3-mini', 1.1, 0.55, 4.4),
  openai('o4-mini', 1.1, 0.275, 4.4),
  openai('o1', 15, 7.5, 60, false),
  openai('o3-pro', 20, undefined, 80, false),
  openai('gpt-4-turbo', 10, undefined, 30, false),
  openai('gpt-3.5-turbo', 0.5, undefined, 1.5),
  openai('text-embedding-3-small', 0.02, undefined, 0),
  openai('text-embedding-3-large', 0.13, undefined, 0),
  openai('text-embedding-ada-002', 0.1, undefined, 0, false),

  // Anthropic (the Claude API list price; Bedrock and Vertex list the same for global endpoints).
  claude('claude-opus-5', 5, 25),
  claude('claude-opus-4-8', 5, 25),
  claude('claude-opus-4-7', 5, 25),
  claude('claude-opus-4-5', 5, 25),
  claude('claude-opus-4-6', 5, 25),
  claude('claude-opus-4-1', 15, 75),
  claude('claude-opus-4', 15, 75),
  claude('claude-sonnet-5', 2, 10),
  claude('claude-sonnet-4-6', 3, 15),
  claude('claude-sonnet-4-5', 3, 15, { long_context: SONNET_LONG }, 'long-context tier not confirmed'),
  claude('claude-sonnet-4', 3, 15, { long_context: SONNET_LONG }, 'long-context tier not confirmed'),
  claude('claude-3-7-sonnet', 3, 15),
  claude('claude-haiku-4-5', 1, 5),
  claude('claude-3-5-haiku', 0.8, 4),
  claude('claude-3-haiku', 0.25, 1.25),
  claude('claude-3-opus', 15, 75),

  // Google Gemini API (paid tier, text input). Thinking tokens bill as output. Context-cache storage per hour is
  // not a per-request cost and is not modelled.
  entry(
    'google',
    'gemini-3-pro',
    GOOGLE,
    {
      input: 2,
      output: 12,
      cached_input: 0.2,
      long_context: { above_input_tokens: 200_000, input: 4, output: 18, cached_input: 0.4 },
    },
    false,
    'preview pricing',
  ),
  entry(
    'google',
    'gemini-2.5-pro',
    GOOGLE,
    {
      input: 1.25,
      output: 10,
      cached_input: 0.125,
      long_context: { above_input_tokens: 200_000, input: 2.5, output: 15, cached_input: 0.25 },
    },
    true,
    'cached-input prices not confirmed',
  ),
  entry('google', 'gemini-2.5-flash', GOOGLE, { input: 0.3, output: 2.5, cached_input: 0.03 }, false),
  entry('google', 'gemini-2.5-flash-lite', GOOGLE, { input: 0.1, output: 0.4, cached_input: 0.01 }, false),
  entry('google', 'gemini-2.0-flash', GOOGLE, { input: 0.1, output: 0.4, cached_input: 0.025 }, false),
  entry('google', 'gemini-2.0-flash-lite', GOOGLE, { input: 0.075, output: 0.3 }, false),
  entry('google', 'text-embedding-004', GOOGLE, { input: 0, output: 0 }, false, 'free of charge on the Gemini API'),

  // Mistral La Plateforme: no published cache discount.
  entry('mistral', 'mistral-large-latest', MISTRAL, { input: 2, output: 6 }, false),
  entry('mistral', 'mistral-medium-latest', MISTRAL, { input: 0.4, output: 2 }, false),
  entry('mistral', 'mistral-small-latest', MISTRAL, { input: 0.1, output: 0.3 }, false),
  entry('mistral', 'codestral-latest', MISTRAL, { input: 0.3, output: 0.9 }, false),
  entry('mistral', 'magistral-medium-latest', MISTRAL, { input: 2, output: 5 }, true),
  entry('mistral', 'mistral-embed', MISTRAL, { input: 0.1, output: 0 }, false),

  // DeepSeek: "cache hit" is the cached-input price; deepseek-reasoner's chain of thought bills as output.
  entry(
    'deepseek',
    'deepseek-chat',
    DEEPSEEK,
    { input: 0.56, output: 1.68, cached_input: 0.07 },
    true,
    'price list effective 2025-09-05; check the page for later cuts',
  ),
  entry(
    'deepseek',
    'deepseek-reasoner',
    DEEPSEEK,
    { input: 0.56, output: 1.68, cached_input: 0.07 },
    true,
    'price list effective 2025-09-05; check the page for later cuts',
  ),

  // xAI: reasoning tokens bill at the output price.
  entry('xai', 'grok-3', XAI, { input: 3, output: 15, cached_input: 0.75 }, true),
  entry('xai', 'grok-3-mini', XAI, { input: 0.3, output: 0.5, cached_input: 0.075 }, true),
  entry('xai', 'grok-4', XAI, { input: 3, output: 15, cached_input: 0.75 }, false),
  entry('xai', 'grok-4-fast-reasoning', XAI, { input: 0.2, output: 0.5, cached_input: 0.05 }, false),
  entry('xai', 'grok-4-fast-non-reasoning', XAI, { input: 0.2, output: 0.5, cached_input: 0.05 }, false),
  entry('xai', 'grok-code-fast-1', XAI, { input: 0.2, output: 1.5, cached_input: 0.02 }, false),

  // Groq hosts open models at its own prices.
  entry('groq', 'llama-3.3-70b-versatile', GROQ, { input: 0.59, output: 0.79 }, false),
  entry('groq', 'llama-3.1-8b-instant', GROQ, { input: 0.05, output: 0.08 }, false),
  entry('groq', 'openai/gpt-oss-120b', GROQ, { input: 0.15, output: 0.75 }, false),
  entry('groq', 'openai/gpt-oss-20b', GROQ, { input: 0.075, output: 0.3 }, false),

  // Cohere.
  entry('cohere', 'command-a', COHERE, { input: 2.5, output: 10 }, false),
  entry('cohere', 'command-r-plus', COHERE, { input: 2.5, output: 10 }, false),
  entry('cohere', 'command-r', COHERE, { input: 0.15, output: 0.6 }, false),
];
