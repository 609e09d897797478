import type { FastifyInstance } from 'fastify';
import { verifyAuditChain } from '../audit/audit-verify.js';
import { auditPageView, parseAuditQuery } from '../audit/audit-view.js';
import type { Store } from '../store/store.js';
import type { CredentialActions } from './admin-actions.js';
import { actorOf } from './admin-auth.js';
import { AdminTokenError, listAdminTokens } from './admin-tokens.js';

/** The audit log (list, verify) and named admin tokens. */
export async function auditRoutes(
  app: FastifyInstance,
  deps: { store: Store; credentials: CredentialActions; onAdminTokensChanged(): Promise<void> },
): Promise<void> {
  app.get('/audit', async (request) => {
    const query = parseAuditQuery(request.query as Record<string, string | undefined>);
    return auditPageView(await deps.store.listAudit(query), query.limit);
  });

  app.get('/audit/verify', async () => verifyAuditChain(deps.store));

  app.get('/admin-tokens', async () => ({ data: await listAdminTokens(deps.store) }));

  app.post('/admin-tokens', { config: { action: 'admin_tokens.create' } }, async (request, reply) => {
    const body = (request.body ?? {}) as { name?: unknown; role?: unknown };
    if (typeof body.name !== 'string') throw new AdminTokenError('name is required (a string)', 400);
    const role = body.role === undefined ? 'viewer' : body.role;
    if (typeof role !== 'string') throw new AdminTokenError('role must be admin or viewer', 400);
    const created = await deps.credentials.createAdminToken(actorOf(request), { name: body.name, role });
    await deps.onAdminTokensChanged();
    return reply.code(201).send({ ...created.view, token: created.token });
  });

  app.delete('/admin-tokens/:idOrName', { config: { action: 'admin_tokens.revoke' } }, async (request) => {
    const { idOrName } = request.params as { idOrName: string };
    const revoked = await deps.credentials.revokeAdminToken(actorOf(request), idOrName);
    await deps.onAdminTokensChanged();
    return revoked;
  });
}
