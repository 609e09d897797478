import type { GatewayConfig, ProviderConfig } from '../config/schema.js';
import { priceNames } from './model-names.js';
import type { ModelPrice, ResolvedPrice } from './model-price.js';
import { PRICE_TABLE, type PriceTableEntry, type PriceVendor } from './price-table.js';

/** Presets that run models on the operator's own hardware: free unless the config sets a price. */
const SELF_HOSTED_PRESETS = new Set(['ollama', 'vllm', 'lmstudio']);

/** Whose table prices apply to a provider (a reseller of open models has its own prices, so none of them). */
function vendorsOf(provider: Pick<ProviderConfig, 'type' | 'preset'>): readonly PriceVendor[] {
  switch (provider.type) {
    case 'openai':
      return provider.preset === undefined ? ['openai'] : (PRESET_VENDORS[provider.preset] ?? []);
    case 'azure-openai':
      return ['openai'];
    case 'anthropic':
    case 'bedrock':
      return ['anthropic'];
    case 'gemini':
      return ['google'];
    case 'vertex':
      return ['google', 'anthropic'];
  }
}

const PRESET_VENDORS: Partial<Record<string, readonly PriceVendor[]>> = {
  groq: ['groq'],
  deepseek: ['deepseek'],
  mistral: ['mistral'],
  xai: ['xai'],
  // OpenRouter bills the underlying vendor's list price for `vendor/model` names.
  openrouter: ['openai', 'anthropic', 'google', 'mistral', 'deepseek', 'xai', 'cohere'],
};

const TABLE_INDEX = new Map<string, PriceTableEntry>(PRICE_TABLE.map((e) => [`${e.vendor}:${e.model}`, e]));

function fromTable(entry: PriceTableEntry): ResolvedPrice {
  const { vendor: _vendor, model, source, date, verified, note: _note, ...price } = entry;
  return { price, source: 'table', tableModel: model, url: source, date, verified };
}

/** The table entry a provider's model is priced at, trying its dated and cloud spellings. */
export function tableEntryFor(
  provider: Pick<ProviderConfig, 'type' | 'preset'>,
  model: string,
): PriceTableEntry | undefined {
  const vendors = vendorsOf(provider);
  const names = priceNames(provider.preset === 'openrouter' ? model.replace(/^[\w-]+\//, '') : model);
  for (const name of names) {
    for (const vendor of vendors) {
      const found = TABLE_INDEX.get(`${vendor}:${name}`);
      if (found) return found;
    }
  }
  return undefined;
}

/**
 * Only the presets of local servers count as self-hosted: an OpenAI-compatible provider on a private address
 * may be a proxy to a paid API, so it stays unpriced (and flagged by `amg prices`) until the config prices it.
 */
function selfHosted(provider: ProviderConfig): boolean {
  return provider.preset !== undefined && SELF_HOSTED_PRESETS.has(provider.preset);
}

const FREE: ModelPrice = { input: 0, output: 0 };

/**
 * The price a provider's upstream model is billed at: the config's `pricing:` entry first (a price, or
 * `same_as` naming a table model, for an Azure deployment or a private alias), then the shipped table, then 0
 * for a self-hosted server; null when nothing prices it (its requests are recorded with no cost).
 */
export function resolvePrice(provider: ProviderConfig, model: string): ResolvedPrice | null {
  const configured = provider.pricing[model];
  if (configured) {
    if (configured.same_as !== undefined) {
      const entry = tableEntryFor(provider, configured.same_as);
      return entry ? fromTable(entry) : null;
    }
    if (configured.input !== undefined && configured.output !== undefined) {
      const { same_as: _sameAs, ...price } = configured;
      return { price: price as ModelPrice, source: 'config' };
    }
  }
  const entry = tableEntryFor(provider, model);
  if (entry) return fromTable(entry);
  return selfHosted(provider) ? { price: FREE, source: 'self-hosted' } : null;
}

/**
 * One provider's prices, resolved once per model and kept: a request's cost is looked up when it ends, and
 * that must not walk the table every time. Rebuilt with the snapshot on every config change.
 */
export class ProviderPrices {
  private readonly known = new Map<string, ResolvedPrice | null>();

  constructor(private readonly provider: ProviderConfig) {}

  priceFor(model: string): ResolvedPrice | null {
    let price = this.known.get(model);
    if (price === undefined) {
      price = resolvePrice(this.provider, model);
      // Upstream model names come from config, but a passthrough may name any model: bound what is kept.
      if (this.known.size < MAX_KNOWN) this.known.set(model, price);
    }
    return price;
  }
}

const MAX_KNOWN = 1_000;

/** The effective price of `model` served by the provider named `providerName` in `config`, or null. */
export function priceFor(config: GatewayConfig, providerName: string, model: string): ResolvedPrice | null {
  const provider = config.providers.find((p) => p.name === providerName);
  return provider ? resolvePrice(provider, model) : null;
}
