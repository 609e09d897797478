import type { FastifyInstance } from 'fastify';
import type { AdminDirectory } from '../auth/admin-directory.js';
import type { Store } from '../store/store.js';
import { adminAuthHook, adminError } from './admin-auth.js';
import { ClientKeyError, createClientKey, listClientKeys, revokeClientKey } from './client-keys.js';
import { parseRequestQuery, requestPage } from './request-log.js';

export interface AdminRouteDeps {
  store: Store;
  admins: AdminDirectory;
  /** Called after client keys change, so the data plane sees them at once. */
  onClientKeysChanged(): Promise<void>;
  status(): Record<string, unknown>;
}

/** The admin API under /admin/api: every operation the CLI and the UI perform. */
export async function adminRoutes(app: FastifyInstance, deps: AdminRouteDeps): Promise<void> {
  app.addHook('preHandler', adminAuthHook(deps.admins));

  app.setErrorHandler((error, _request, reply) => {
    if (error instanceof ClientKeyError) return adminError(reply, error.status, 'GW_ERR_ADMIN_KEYS', error.message);
    if (error instanceof RangeError) return adminError(reply, 400, 'GW_ERR_ADMIN_BAD_QUERY', error.message);
    const status = (error as { statusCode?: number }).statusCode ?? 500;
    if (status < 500) return adminError(reply, status, 'GW_ERR_ADMIN_BAD_REQUEST', (error as Error).message);
    return adminError(reply, 500, 'GW_ERR_INTERNAL', 'internal error');
  });

  app.get('/status', async () => deps.status());

  app.get('/requests', async (request) => {
    const query = parseRequestQuery(request.query as Record<string, string | undefined>);
    return requestPage(await deps.store.listRequests(query), query.limit);
  });

  app.get('/requests/:id', async (request, reply) => {
    const { id } = request.params as { id: string };
    const record = await deps.store.getRequest(id);
    if (!record) return adminError(reply, 404, 'GW_ERR_ADMIN_NOT_FOUND', `no request ${id}`);
    return { ...record, time: new Date(record.time).toISOString() };
  });

  app.get('/keys', async () => ({ data: await listClientKeys(deps.store) }));

  app.post('/keys', async (request, reply) => {
    const body = (request.body ?? {}) as { name?: unknown; expires_in_days?: unknown };
    if (typeof body.name !== 'string') throw new ClientKeyError('name is required (a string)', 400);
    if (body.expires_in_days !== undefined && typeof body.expires_in_days !== 'number') {
      throw new ClientKeyError('expires_in_days must be a number', 400);
    }
    const created = await createClientKey(deps.store, { name: body.name, expiresInDays: body.expires_in_days });
    await deps.onClientKeysChanged();
    return reply.code(201).send({ ...created.key, token: created.token });
  });

  app.delete('/keys/:idOrName', async (request) => {
    const { idOrName } = request.params as { idOrName: string };
    const revoked = await revokeClientKey(deps.store, idOrName);
    await deps.onClientKeysChanged();
    return revoked;
  });
}
