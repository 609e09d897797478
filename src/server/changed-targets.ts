import type { GatewaySnapshot } from './gateway-snapshot.js';

/**
 * Targets whose provider now reaches another endpoint or with another key: what a breaker, a cooldown or the
 * latency figures learned about the old one says nothing about the new one.
 */
export function retargetedTargets(previous: GatewaySnapshot, next: GatewaySnapshot): string[] {
  const changed = new Set<string>();
  for (const [name, provider] of next.providers) {
    const before = previous.providers.get(name);
    if (!before) continue;
    const sameKey =
      before.secrets.length === provider.secrets.length && before.secrets.every((s, i) => s === provider.secrets[i]);
    if (before.config.base_url !== provider.config.base_url || !sameKey) changed.add(name);
  }
  if (changed.size === 0) return [];
  return [...next.targets.values()]
    .map((entry) => entry.target)
    .filter((target) => changed.has(target.provider.name))
    .map((target) => target.id);
}
