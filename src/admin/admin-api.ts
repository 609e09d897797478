import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { type AuditLog, wasAudited } from '../audit/audit-log.js';
import { DeniedThrottle } from '../audit/denied-throttle.js';
import type { AdminDirectory } from '../auth/admin-directory.js';
import { AdminUserError } from '../auth/admin-users.js';
import type { SessionSettings, Sessions } from '../auth/sessions.js';
import { ChangeError } from '../config/change/change-error.js';
import type { ConfigWorkflow } from '../config/change/config-workflow.js';
import type { RoutingState } from '../routing/routing-state.js';
import type { GatewaySnapshot } from '../server/gateway-snapshot.js';
import type { Store } from '../store/store.js';
import { CredentialActions } from './admin-actions.js';
import { actionOf, actorOf, adminAuthHook, adminError, type Denial } from './admin-auth.js';
import { adminRoutes } from './admin-routes.js';
import { AdminTokenError } from './admin-tokens.js';
import { auditRoutes } from './audit-routes.js';
import { ClientKeyError } from './client-keys.js';
import { configClientRoutes } from './config-client-routes.js';
import { configRoutes } from './config-routes.js';
import { dashboardRoutes } from './dashboard-routes.js';
import { type DiagnosticsDeps, diagnosticsRoutes } from './diagnostics-routes.js';
import { providerRoutes } from './provider-routes.js';
import { addSecurityHeaders } from './security-headers.js';
import { sessionRoutes } from './session-routes.js';
import type { ForwardedView } from './trusted-proxy.js';
import { usageRoutes } from './usage-routes.js';

/** The largest admin request body (a config to validate or publish is the biggest). */
export const ADMIN_BODY_LIMIT = 1024 * 1024;

export interface AdminApiDeps {
  store: Store;
  admins: AdminDirectory;
  audit: AuditLog;
  workflow: ConfigWorkflow;
  snapshot(): GatewaySnapshot;
  state: RoutingState;
  status(): Promise<Record<string, unknown>>;
  onClientKeysChanged(): Promise<void>;
  onAdminTokensChanged(): Promise<void>;
  sessions: Sessions;
  sessionSettings(): SessionSettings;
  forwarded: ForwardedView;
  env: DiagnosticsDeps['env'];
  diagnostics: DiagnosticsDeps['diagnostics'];
  testModel: DiagnosticsDeps['testModel'];
}

function sendError(error: FastifyError | Error, reply: FastifyReply): FastifyReply {
  if (error instanceof ChangeError) {
    return reply.code(error.status).send({
      error: { code: `GW_ERR_CONFIG_${error.kind.toUpperCase()}`, message: error.message, problems: error.problems },
    });
  }
  if (error instanceof ClientKeyError) {
    // The fields at fault as problems (the shape config errors use), for a form to show each beside its field.
    const problems = error.problems.length ? error.problems : undefined;
    return reply.code(error.status).send({ error: { code: 'GW_ERR_ADMIN_KEYS', message: error.message, problems } });
  }
  if (error instanceof AdminTokenError) return adminError(reply, error.status, 'GW_ERR_ADMIN_TOKENS', error.message);
  if (error instanceof AdminUserError) return adminError(reply, error.status, 'GW_ERR_ADMIN_USERS', error.message);
  const code = (error as { code?: unknown }).code;
  // Fastify's body errors: its own too-large error is a RangeError, so these come before the query check.
  if (code === 'FST_ERR_CTP_BODY_TOO_LARGE') {
    return adminError(reply, 413, 'GW_ERR_ADMIN_BODY_TOO_LARGE', `the request body is over ${ADMIN_BODY_LIMIT} bytes`);
  }
  if (code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE') {
    return adminError(
      reply,
      415,
      'GW_ERR_ADMIN_UNSUPPORTED_MEDIA_TYPE',
      'send the request body as JSON, with content-type: application/json',
    );
  }
  if (error instanceof RangeError) return adminError(reply, 400, 'GW_ERR_ADMIN_BAD_QUERY', error.message);
  const status = (error as { statusCode?: number }).statusCode ?? 500;
  if (status < 500) return adminError(reply, status, 'GW_ERR_ADMIN_BAD_REQUEST', error.message);
  return adminError(reply, 500, 'GW_ERR_INTERNAL', 'internal error');
}

/**
 * The admin API under /admin/api: one scope, one authentication hook (denials audited, throttled per
 * origin), one error mapping, and the route groups.
 */
export async function adminApi(app: FastifyInstance, deps: AdminApiDeps): Promise<void> {
  const throttle = new DeniedThrottle();
  const onDenied = async (request: FastifyRequest, denial: Denial) => {
    const admitted = throttle.admit(request.ip, Date.now());
    if (!admitted.record) return;
    await deps.audit.record(actorOf(request), {
      action: actionOf(request),
      outcome: 'denied',
      target: request.url.split('?')[0] ?? null,
      detail: {
        status: denial.status,
        reason: denial.reason,
        ...(admitted.suppressed ? { suppressed_before: admitted.suppressed } : {}),
      },
    });
  };
  addSecurityHeaders(app);
  // The last step of every answer: a value the environment gave the running config (a provider URL, a header)
  // shows as its `${VAR}` reference, in any form a message may have turned it into (case-folded, percent- or
  // JSON-escaped, as a URL's host or origin), so no admin role reads the gateway's environment.
  app.addHook('onSend', async function maskEnvironmentValues(_request, _reply, payload) {
    return typeof payload === 'string' ? deps.snapshot().loaded.mask.text(payload) : payload;
  });
  app.addHook(
    'onRequest',
    adminAuthHook(deps.admins, onDenied, { sessions: deps.sessions, forwarded: deps.forwarded }),
  );
  // JSON only: text/plain, forms and multipart are what a page on another site can send without a preflight.
  app.removeContentTypeParser('text/plain');
  app.setErrorHandler(async (error, request, reply) => {
    // Refusals the action itself did not record yet (a malformed body, say) are failures of that action too.
    const action = request.routeOptions.config.action;
    if (action && request.admin && !wasAudited(error)) {
      await deps.audit.record(actorOf(request), {
        action,
        outcome: 'failed',
        target: request.url.split('?')[0] ?? null,
        detail: { error: (error as Error).message },
      });
    }
    return sendError(error as Error, reply);
  });

  const credentials = new CredentialActions(deps.store, deps.audit);
  await adminRoutes(app, {
    store: deps.store,
    credentials,
    onClientKeysChanged: deps.onClientKeysChanged,
    status: deps.status,
    budgetTimeZone: () => deps.snapshot().config.limits.budget_timezone,
  });
  await providerRoutes(app, { snapshot: deps.snapshot, state: deps.state });
  await configRoutes(app, deps.workflow);
  await dashboardRoutes(app, { store: deps.store, snapshot: deps.snapshot, state: deps.state });
  await usageRoutes(app, { store: deps.store, snapshot: deps.snapshot });
  await configClientRoutes(app, { snapshot: deps.snapshot });
  await diagnosticsRoutes(app, deps);
  await sessionRoutes(app, {
    store: deps.store,
    admins: deps.admins,
    audit: deps.audit,
    sessions: deps.sessions,
    settings: deps.sessionSettings,
    forwarded: deps.forwarded,
  });
  await auditRoutes(app, { store: deps.store, credentials, onAdminTokensChanged: deps.onAdminTokensChanged });
}
