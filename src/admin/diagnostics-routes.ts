import type { FastifyInstance } from 'fastify';
import type { AuditLog } from '../audit/audit-log.js';
import { verifyAuditChain } from '../audit/audit-verify.js';
import type { ConfigWorkflow } from '../config/change/config-workflow.js';
import type { ModelRoute } from '../routing/route-table.js';
import type { RoutingState } from '../routing/routing-state.js';
import { targetStatuses } from '../routing/target-status.js';
import type { GatewaySnapshot } from '../server/gateway-snapshot.js';
import type { Store } from '../store/store.js';
import { actorOf } from './admin-auth.js';
import { redactSecrets, secretValues } from './support-bundle.js';

export interface ModelTestResult {
  model: string;
  status: number;
  request_id: string | null;
  provider: string | null;
  upstream_model: string | null;
  route: string | null;
  latency_ms: number;
  answer: string | null;
  error: string | null;
}

export interface DiagnosticsDeps {
  store: Store;
  audit: AuditLog;
  workflow: ConfigWorkflow;
  snapshot(): GatewaySnapshot;
  state: RoutingState;
  env: Record<string, string | undefined>;
  diagnostics(): Promise<Record<string, unknown>>;
  /** Sends a tiny chat request for `model` through the data plane, as a client would. */
  testModel(model: string): Promise<ModelTestResult>;
}

/** Diagnostics, the support bundle and "test now". */
export async function diagnosticsRoutes(app: FastifyInstance, deps: DiagnosticsDeps): Promise<void> {
  app.get('/diagnostics', async () => deps.diagnostics());

  app.get('/diagnostics/bundle', { config: { action: 'diagnostics.bundle' } }, async (request, reply) => {
    const snapshot = deps.snapshot();
    const active = await deps.store.activeRevisionNumber();
    const [diagnostics, config, errors, audit, verification] = await Promise.all([
      deps.diagnostics(),
      active === null ? undefined : deps.workflow.show(active),
      deps.store.listRequests({ limit: 100, status: 'error' }),
      deps.store.listAudit({ limit: 100 }),
      verifyAuditChain(deps.store),
    ]);
    const bundle = {
      generated_at: new Date().toISOString(),
      diagnostics,
      config_revision: config ?? null,
      targets: targetStatuses(snapshot.targets, deps.state, Date.now()),
      recent_errors: errors.map((r) => ({ ...r, time: new Date(r.time).toISOString() })),
      audit: { verification, recent: audit },
    };
    await deps.audit.record(actorOf(request), { action: 'diagnostics.bundle', outcome: 'ok' });
    const text = redactSecrets(JSON.stringify(bundle, null, 2), secretValues(snapshot, deps.env));
    const stamp = new Date().toISOString().replaceAll(':', '-').slice(0, 19);
    return reply
      .type('application/json; charset=utf-8')
      .header('content-disposition', `attachment; filename="amg-support-${stamp}.json"`)
      .send(text);
  });

  // A real request through the data plane: it is routed, retried, recorded and counted like any other.
  app.post('/models/:name/test', { config: { action: 'models.test' } }, async (request, reply) => {
    const { name } = request.params as { name: string };
    const route = deps.snapshot().models.get(name);
    if (!route) {
      return reply.code(404).send({ error: { code: 'GW_ERR_ADMIN_NOT_FOUND', message: `no model named "${name}"` } });
    }
    // Nothing to test until a key is set: the operator's to fix, not the gateway's state (which a 503 would say).
    const keyless = untestable(route.targets);
    if (keyless !== undefined) {
      return reply.code(409).send({
        error: {
          code: 'GW_ERR_ADMIN_PROVIDER_NOT_CONFIGURED',
          message: `model "${name}" cannot be tested: no provider of its targets has credentials (set ${keyless} and restart)`,
        },
      });
    }
    const result = await deps.testModel(name);
    await deps.audit.record(actorOf(request), {
      action: 'models.test',
      outcome: result.status < 400 ? 'ok' : 'failed',
      target: name,
      detail: { status: result.status, provider: result.provider, route: result.route },
    });
    return result;
  });
}

/** What to set, when none of a model's targets has credentials; undefined when one can be tested. */
function untestable(targets: ModelRoute['targets']): string | undefined {
  if (targets.length === 0 || targets.some((target) => target.provider.configured)) return undefined;
  const variables = new Set(
    targets.map((target) => target.provider.apiKeyEnv ?? `the credentials of provider "${target.provider.name}"`),
  );
  return [...variables].join(' or ');
}
