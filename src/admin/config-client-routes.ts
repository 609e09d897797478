import type { FastifyInstance } from 'fastify';
import { type KeyPolicy, keyPolicyShape } from '../config/key-policy-schema.js';
import type { GatewayConfig } from '../config/schema.js';
import type { GatewaySnapshot } from '../server/gateway-snapshot.js';

/** A client the config file declares, as operators see it: its policy and expiry, never its token or hash. */
export interface ConfigClientView {
  name: string;
  expiresAt: string | null;
  policy: KeyPolicy;
}

const POLICY_FIELDS = Object.keys(keyPolicyShape) as Array<keyof KeyPolicy>;

export function configClients(config: Pick<GatewayConfig, 'clients'>): ConfigClientView[] {
  return config.clients.map((client) => {
    const policy: Record<string, unknown> = {};
    for (const field of POLICY_FIELDS) if (client[field] !== undefined) policy[field] = client[field];
    return {
      name: client.name,
      expiresAt: client.expires_at === undefined ? null : new Date(client.expires_at).toISOString(),
      policy: policy as KeyPolicy,
    };
  });
}

/**
 * The active revision's clients: read-only here, because the config is their source and a change made anywhere
 * else would be undone by the next publish. They change through the Config page or `amg config publish`.
 */
export async function configClientRoutes(app: FastifyInstance, deps: { snapshot(): GatewaySnapshot }): Promise<void> {
  app.get('/config-clients', async () => {
    const snapshot = deps.snapshot();
    return { revision: snapshot.revision, data: configClients(snapshot.config) };
  });
}
