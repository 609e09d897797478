import type { FastifyInstance } from 'fastify';
import { adminError } from '../admin/admin-auth.js';
import type { AdminDirectory } from '../auth/admin-directory.js';
import { bearerToken, hashToken, sameDigest } from '../auth/token-hash.js';
import type { MetricsConfig } from '../config/schema.js';
import type { GatewayMetrics } from '../telemetry/metrics/gateway-metrics.js';

export interface MetricsRouteDeps {
  metrics(): GatewayMetrics | undefined;
  settings(): MetricsConfig;
  admins: AdminDirectory;
}

async function allowed(token: string | undefined, deps: MetricsRouteDeps): Promise<boolean> {
  const settings = deps.settings();
  if (settings.allow_unauthenticated) return true;
  if (!token) return false;
  if (settings.token !== undefined && sameDigest(hashToken(token), hashToken(settings.token))) return true;
  return (await deps.admins.authenticate(token)) !== undefined;
}

/**
 * `GET /metrics` in the Prometheus text format, on the admin app: the admin listener when `admin_listen` is
 * set, else the main one. It takes the metrics token or any admin token, unless the config explicitly opens it.
 */
export function metricsRoute(app: FastifyInstance, deps: MetricsRouteDeps): void {
  app.get('/metrics', async (request, reply) => {
    const metrics = deps.metrics();
    if (!metrics || !deps.settings().enabled) {
      return adminError(reply, 404, 'GW_ERR_METRICS_DISABLED', 'metrics are disabled (metrics.enabled: false)');
    }
    if (!(await allowed(bearerToken(request.headers.authorization), deps))) {
      reply.header('www-authenticate', 'Bearer realm="metrics"');
      return adminError(
        reply,
        401,
        'GW_ERR_METRICS_AUTH',
        'send "Authorization: Bearer <metrics.token or an admin token>"',
      );
    }
    const text = await metrics.render();
    return reply.header('content-type', metrics.contentType).header('cache-control', 'no-store').send(text);
  });
}
