import type { FastifyInstance } from 'fastify';
import type { GatewaySnapshot } from '../server/gateway-snapshot.js';
import type { Store } from '../store/store.js';
import { priceList } from './price-list.js';
import { parseUsageQuery, usageReport } from './usage-report.js';

export interface UsageRouteDeps {
  store: Store;
  snapshot(): GatewaySnapshot;
  now?: () => number;
}

/** Usage and cost reports, and the effective price of every model the running config serves. */
export async function usageRoutes(app: FastifyInstance, deps: UsageRouteDeps): Promise<void> {
  const now = deps.now ?? Date.now;

  app.get('/usage', async (request) => {
    const timeZone = deps.snapshot().config.limits.budget_timezone;
    const query = parseUsageQuery(request.query as Record<string, string | undefined>, now(), undefined, timeZone);
    return usageReport(deps.store, query);
  });

  app.get('/prices', async () => {
    const snapshot = deps.snapshot();
    return { revision: snapshot.revision, data: priceList(snapshot.config) };
  });
}
