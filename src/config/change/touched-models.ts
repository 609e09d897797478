import { canonicalJson } from '../../audit/canonical-json.js';
import type { GatewayConfig, ModelConfig } from '../schema.js';

/** Everything that decides how one model is served: its definition, its providers and the routing settings. */
function servingSignature(model: ModelConfig, config: GatewayConfig): string {
  const used = new Set(model.targets.map((target) => target.provider));
  return canonicalJson({
    model,
    providers: config.providers.filter((provider) => used.has(provider.name)),
    routing: config.routing,
  });
}

/** Client models whose serving changes from `before` to `after` (new ones included; removed ones cannot fail). */
export function touchedModels(before: GatewayConfig, after: GatewayConfig): string[] {
  const previous = new Map(before.models.map((model) => [model.name, servingSignature(model, before)]));
  return after.models
    .filter((model) => previous.get(model.name) !== servingSignature(model, after))
    .map((model) => model.name);
}
