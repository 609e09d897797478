import type { FastifyInstance } from 'fastify';
import type { RoutingState } from '../routing/routing-state.js';
import { targetStatuses } from '../routing/target-status.js';
import type { GatewaySnapshot } from '../server/gateway-snapshot.js';

export interface ProviderRouteDeps {
  snapshot(): GatewaySnapshot;
  state: RoutingState;
}

/** GET /admin/api/providers: every provider and each of its targets' routing state. */
export async function providerRoutes(app: FastifyInstance, deps: ProviderRouteDeps): Promise<void> {
  app.get('/providers', async () => {
    const snapshot = deps.snapshot();
    const targets = targetStatuses(snapshot.targets, deps.state, Date.now());
    return {
      health_checks: snapshot.config.routing.health_checks,
      data: [...snapshot.providers.values()].map((provider) => ({
        name: provider.name,
        type: provider.descriptor.type,
        base_url: provider.config.base_url,
        configured: provider.configured,
        missing_env: provider.configured ? null : (provider.apiKeyEnv ?? null),
        targets: targets.filter((t) => t.provider === provider.name),
      })),
    };
  });
}
