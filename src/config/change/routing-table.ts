import type { ModelPrice } from '../../cost/model-price.js';
import { priceFor } from '../../cost/price-lookup.js';
import type { GatewayConfig, ModelConfig } from '../schema.js';

export interface RoutingTableTarget {
  provider: string;
  model: string;
  weight: number;
  /** Expected share of the model's requests while every target is healthy. */
  share: number;
  price: ModelPrice | null;
}

export interface RoutingTableRow {
  model: string;
  strategy: ModelConfig['strategy'];
  /** True when shares are an assumption (least-latency depends on measured latency). */
  estimated: boolean;
  targets: RoutingTableTarget[];
  fallbackOn: string[];
}

/**
 * Expected share of each target: fallback sends everything to the first target, weighted splits by weight,
 * least-latency is assumed to split evenly (the real split follows measured latency).
 */
export function targetShares(model: ModelConfig): number[] {
  const count = model.targets.length;
  if (model.strategy === 'weighted') {
    const total = model.targets.reduce((sum, target) => sum + target.weight, 0);
    return model.targets.map((target) => target.weight / total);
  }
  if (model.strategy === 'least-latency') return model.targets.map(() => 1 / count);
  return model.targets.map((_, index) => (index === 0 ? 1 : 0));
}

/** The effective price (config override, shipped table, or self-hosted 0), or null when unpriced. */
export function priceOf(config: GatewayConfig, provider: string, model: string): ModelPrice | null {
  return priceFor(config, provider, model)?.price ?? null;
}

/** The effective routing of a config: per client model, its targets in order with expected shares and prices. */
export function routingTable(config: GatewayConfig): RoutingTableRow[] {
  return config.models.map((model) => {
    const shares = targetShares(model);
    return {
      model: model.name,
      strategy: model.strategy,
      estimated: model.strategy === 'least-latency' && model.targets.length > 1,
      targets: model.targets.map((target, index) => ({
        provider: target.provider,
        model: target.model,
        weight: target.weight,
        share: shares[index] ?? 0,
        price: priceOf(config, target.provider, target.model),
      })),
      fallbackOn: model.fallback_on,
    };
  });
}
