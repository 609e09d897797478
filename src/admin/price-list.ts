import type { GatewayConfig } from '../config/schema.js';
import type { ModelPrice, PriceSource } from '../cost/model-price.js';
import { resolvePrice } from '../cost/price-lookup.js';

/** One upstream model the config serves, and what it is billed at. */
export interface PriceListRow {
  provider: string;
  providerType: string;
  /** The upstream model (as the targets name it). */
  model: string;
  /** The client-facing model names routed to it. */
  servedAs: string[];
  /** Null when nothing prices it: its requests are recorded with no cost. */
  price: ModelPrice | null;
  source: PriceSource | null;
  tableModel: string | null;
  url: string | null;
  date: string | null;
  verified: boolean | null;
}

/** The effective price of every provider/model pair the config's models route to, unpriced ones flagged. */
export function priceList(config: GatewayConfig): PriceListRow[] {
  const rows = new Map<string, PriceListRow>();
  for (const model of config.models) {
    for (const target of model.targets) {
      const key = `${target.provider}\u0000${target.model}`;
      const known = rows.get(key);
      if (known) {
        if (!known.servedAs.includes(model.name)) known.servedAs.push(model.name);
        continue;
      }
      const provider = config.providers.find((p) => p.name === target.provider);
      if (!provider) continue;
      const resolved = resolvePrice(provider, target.model);
      rows.set(key, {
        provider: provider.name,
        providerType: provider.preset ? `${provider.type}/${provider.preset}` : provider.type,
        model: target.model,
        servedAs: [model.name],
        price: resolved?.price ?? null,
        source: resolved?.source ?? null,
        tableModel: resolved?.tableModel ?? null,
        url: resolved?.url ?? null,
        date: resolved?.date ?? null,
        verified: resolved?.verified ?? null,
      });
    }
  }
  return [...rows.values()];
}
