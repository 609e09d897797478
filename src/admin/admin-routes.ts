import type { FastifyInstance } from 'fastify';
import { parseDuration } from '../config/duration.js';
import { BudgetCalendar } from '../routing/limits/budget-calendar.js';
import type { Store } from '../store/store.js';
import type { RequestCursor } from '../telemetry/request-record.js';
import type { CredentialActions } from './admin-actions.js';
import { actorOf } from './admin-auth.js';
import { ClientKeyError, listClientKeys, parseKeyPolicy } from './client-keys.js';
import { csvHeader, csvRows } from './request-export.js';
import { MAX_PAGE, nextCursor, parseRequestQuery, readRequestPage } from './request-log.js';

/** The most rows one export holds; narrow the filters for more. */
const MAX_EXPORT = 50_000;

export interface AdminRouteDeps {
  store: Store;
  credentials: CredentialActions;
  /** Called after client keys change, so the data plane sees them at once. */
  onClientKeysChanged(): Promise<void>;
  status(): Promise<Record<string, unknown>>;
  /** `limits.budget_timezone` of the running config: dates without an offset are read there, as usage reads them. */
  budgetTimeZone?(): string;
}

/** Status, the request log and client keys. */
export async function adminRoutes(app: FastifyInstance, deps: AdminRouteDeps): Promise<void> {
  const readQuery = (params: Record<string, string | undefined>) => {
    const calendar = new BudgetCalendar(deps.budgetTimeZone?.() ?? 'UTC');
    return parseRequestQuery(params, Date.now(), (wall) => calendar.instantOf(wall));
  };

  app.get('/status', async () => deps.status());

  app.get('/requests', async (request) => {
    const query = readQuery(request.query as Record<string, string | undefined>);
    return readRequestPage(deps.store, query);
  });

  // The filtered set, newest first, page by page from the store: CSV for spreadsheets, JSON lines for tools.
  app.get('/requests/export', async (request, reply) => {
    const params = request.query as Record<string, string | undefined>;
    const format = params.format ?? 'csv';
    if (format !== 'csv' && format !== 'json') throw new RangeError('format must be csv or json');
    const max = params.max === undefined ? 10_000 : Number(params.max);
    if (!Number.isInteger(max) || max < 1 || max > MAX_EXPORT) {
      throw new RangeError(`max must be an integer between 1 and ${MAX_EXPORT}`);
    }
    const query = readQuery({ ...params, limit: String(MAX_PAGE), before: undefined, cursor: undefined });
    const chunks: string[] = [format === 'csv' ? csvHeader() : ''];
    let after: RequestCursor | undefined;
    for (let taken = 0; taken < max; ) {
      const pageQuery = { ...query, after, limit: Math.min(MAX_PAGE, max - taken) };
      const page = await deps.store.listRequests(pageQuery);
      if (page.length === 0) break;
      taken += page.length;
      chunks.push(
        format === 'csv'
          ? csvRows(page)
          : page.map((r) => `${JSON.stringify({ ...r, time: new Date(r.time).toISOString() })}\n`).join(''),
      );
      after = nextCursor(page, pageQuery);
      if (!after) break;
    }
    const stamp = new Date().toISOString().replaceAll(':', '-').slice(0, 19);
    return reply
      .type(format === 'csv' ? 'text/csv; charset=utf-8' : 'application/x-ndjson')
      .header('content-disposition', `attachment; filename="requests-${stamp}.${format === 'csv' ? 'csv' : 'jsonl'}"`)
      .send(chunks.join(''));
  });

  app.get('/requests/:id', async (request, reply) => {
    const { id } = request.params as { id: string };
    const record = await deps.store.getRequest(id);
    if (!record)
      return reply.code(404).send({ error: { code: 'GW_ERR_ADMIN_NOT_FOUND', message: `no request ${id}` } });
    return { ...record, time: new Date(record.time).toISOString() };
  });

  // A page at a time (see parseKeySearch): ten thousand keys are a hundred pages, never one answer.
  app.get('/keys', async (request) => listClientKeys(deps.store, request.query as Record<string, string | undefined>));

  // The body is the key's name, optional expiry, and its policy fields (models, rpm, tpm, max_concurrent,
  // model_limits, budgets, tags) at the top level, as config clients declare them.
  app.post('/keys', { config: { action: 'keys.create' } }, async (request, reply) => {
    const { name, expires_in_days, ...policy } = (request.body ?? {}) as Record<string, unknown>;
    if (typeof name !== 'string') throw new ClientKeyError('name is required (a string)', 400, 'name');
    if (expires_in_days !== undefined && typeof expires_in_days !== 'number') {
      throw new ClientKeyError('expires_in_days must be a number', 400, 'expires_in_days');
    }
    const created = await deps.credentials.createKey(actorOf(request), {
      name,
      expiresInDays: expires_in_days,
      policy: parseKeyPolicy(policy),
    });
    await deps.onClientKeysChanged();
    return reply.code(201).send({ ...created.key, token: created.token });
  });

  // Fields given replace the key's, `null` removes one, fields left out stay; the token does not change.
  app.patch('/keys/:idOrName', { config: { action: 'keys.update' } }, async (request) => {
    const { idOrName } = request.params as { idOrName: string };
    const change = request.body;
    if (change === null || typeof change !== 'object' || Array.isArray(change)) {
      throw new ClientKeyError('the body must be a JSON object of policy fields', 400);
    }
    const updated = await deps.credentials.updateKey(actorOf(request), idOrName, change as Record<string, unknown>);
    await deps.onClientKeysChanged();
    return updated;
  });

  // A new token, shown once; the old one keeps working for `grace` ("24h", "30m"; default none).
  app.post('/keys/:idOrName/rotate', { config: { action: 'keys.rotate' } }, async (request, reply) => {
    const { idOrName } = request.params as { idOrName: string };
    const { grace } = (request.body ?? {}) as { grace?: unknown };
    const graceMs = grace === undefined ? 0 : typeof grace === 'string' ? parseDuration(grace) : undefined;
    if (graceMs === undefined) throw new ClientKeyError('grace must be a duration such as "24h" or "30m"', 400);
    const rotated = await deps.credentials.rotateKey(actorOf(request), idOrName, graceMs);
    await deps.onClientKeysChanged();
    return reply.code(201).send({ ...rotated.key, token: rotated.token });
  });

  app.delete('/keys/:idOrName', { config: { action: 'keys.revoke' } }, async (request) => {
    const { idOrName } = request.params as { idOrName: string };
    const revoked = await deps.credentials.revokeKey(actorOf(request), idOrName);
    await deps.onClientKeysChanged();
    return revoked;
  });
}
