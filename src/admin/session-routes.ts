import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { AuditLog } from '../audit/audit-log.js';
import type { AdminDirectory } from '../auth/admin-directory.js';
import { AdminUserError, createAdminUser, deleteAdminUser, viewAdminUser } from '../auth/admin-users.js';
import { SESSION_COOKIE, type SessionSettings, type Sessions, viewSession } from '../auth/sessions.js';
import type { Store } from '../store/store.js';
import { audited } from './admin-actions.js';
import { actorOf, adminError } from './admin-auth.js';
import { parseCredentials, SignIn } from './sign-in.js';
import type { ForwardedView } from './trusted-proxy.js';

export interface SessionRouteDeps {
  store: Store;
  admins: AdminDirectory;
  audit: AuditLog;
  sessions: Sessions;
  settings(): SessionSettings;
  forwarded: ForwardedView;
}

function sessionCookie(value: string, maxAgeS: number, secure: boolean): string {
  return `${SESSION_COOKIE}=${value}; Path=/admin; HttpOnly; SameSite=Strict; Max-Age=${maxAgeS}${secure ? '; Secure' : ''}`;
}

/** Sign-in, sign-out, the session list and admin users, under /admin/api. */
export async function sessionRoutes(app: FastifyInstance, deps: SessionRouteDeps): Promise<void> {
  const signIn = new SignIn(deps.store, deps.admins);
  const actorAt = (request: FastifyRequest, name: string) => ({
    name,
    role: null,
    origin: deps.forwarded.clientAddress(request),
  });

  app.post('/session', { config: { public: true } }, async (request, reply: FastifyReply) => {
    const credentials = parseCredentials(request.body);
    if (!credentials) {
      return adminError(
        reply,
        400,
        'GW_ERR_ADMIN_SIGN_IN',
        'send {"token": "..."} or {"username": "...", "password": "..."}',
      );
    }
    const address = deps.forwarded.clientAddress(request);
    const who = 'username' in credentials ? credentials.username : 'admin token';
    const result = await signIn.attempt(credentials, address);
    if (!result.ok) {
      await deps.audit.record(actorAt(request, 'anonymous'), {
        action: 'session.create',
        outcome: 'denied',
        target: who.slice(0, 64),
        detail: { reason: result.reason, method: 'username' in credentials ? 'password' : 'token' },
      });
      if (result.status === 429) {
        reply.header('retry-after', String(Math.ceil(result.retryAfterMs / 1000)));
        return adminError(reply, 429, 'GW_ERR_ADMIN_SIGN_IN_THROTTLED', 'too many failed sign-ins; try again later');
      }
      return adminError(reply, result.status, 'GW_ERR_ADMIN_SIGN_IN', result.reason);
    }
    const { token, session } = await deps.sessions.create(
      result.subject,
      address,
      request.headers['user-agent'] ?? null,
    );
    await deps.audit.record(
      { name: session.name, role: session.role, origin: address },
      { action: 'session.create', outcome: 'ok', target: session.id, detail: { method: session.subjectKind } },
    );
    const maxAge = Math.floor((session.expiresAt - session.createdAt) / 1000);
    reply.header('set-cookie', sessionCookie(token, maxAge, deps.forwarded.isHttps(request)));
    return reply.code(201).send({ ...viewSession(session), idleTimeoutS: Math.round(deps.settings().idleMs / 1000) });
  });

  app.get('/session', async (request) => ({
    name: request.admin?.name,
    role: request.admin?.role,
    session: request.adminSession ? viewSession(request.adminSession) : null,
  }));

  // Signing out is open to viewers too: ending one's own session changes nothing else.
  app.delete('/session', { config: { access: 'read' } }, async (request, reply) => {
    const session = request.adminSession;
    if (session) {
      await deps.sessions.revoke({ id: session.id });
      await deps.audit.record(actorOf(request), { action: 'session.delete', outcome: 'ok', target: session.id });
    }
    reply.header('set-cookie', sessionCookie('', 0, deps.forwarded.isHttps(request)));
    return { signed_out: session !== undefined };
  });

  app.get('/sessions', async () => ({ data: (await deps.sessions.list()).map(viewSession) }));

  app.delete('/sessions/:id', { config: { action: 'session.revoke' } }, async (request, reply) => {
    const { id } = request.params as { id: string };
    const revoked = await audited(deps.audit, actorOf(request), { action: 'session.revoke', target: id }, () =>
      deps.sessions.revoke({ id }),
    );
    if (revoked.length === 0) return adminError(reply, 404, 'GW_ERR_ADMIN_NOT_FOUND', `no active session ${id}`);
    return viewSession(revoked[0] as NonNullable<(typeof revoked)[0]>);
  });

  app.get('/admin-users', async () => ({ data: (await deps.store.listAdminUsers()).map(viewAdminUser) }));

  app.post('/admin-users', { config: { action: 'admin_users.create' } }, async (request, reply) => {
    const body = (request.body ?? {}) as { name?: unknown; role?: unknown; password?: unknown };
    if (typeof body.name !== 'string' || typeof body.password !== 'string') {
      throw new AdminUserError('name and password are required (strings)', 400);
    }
    const input = {
      name: body.name,
      role: typeof body.role === 'string' ? body.role : 'viewer',
      password: body.password,
    };
    const created = await audited(
      deps.audit,
      actorOf(request),
      { action: 'admin_users.create', target: input.name, detail: { role: input.role } },
      () => createAdminUser(deps.store, input),
      (user) => ({ id: user.id }),
    );
    return reply.code(201).send(created);
  });

  app.delete('/admin-users/:idOrName', { config: { action: 'admin_users.delete' } }, async (request) => {
    const { idOrName } = request.params as { idOrName: string };
    return audited(deps.audit, actorOf(request), { action: 'admin_users.delete', target: idOrName }, () =>
      deleteAdminUser(deps.store, idOrName),
    );
  });
}
