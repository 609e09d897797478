import type { FastifyReply, FastifyRequest } from 'fastify';
import { discardUnreadBody } from '../api/shared/unread-body.js';
import type { Actor } from '../audit/audit-log.js';
import type { AdminDirectory, AdminIdentity } from '../auth/admin-directory.js';
import { cookieValue, SESSION_COOKIE, type Sessions } from '../auth/sessions.js';
import { bearerToken } from '../auth/token-hash.js';
import { connectionAuthenticated } from '../server/connection-limits.js';
import type { AdminSession } from '../store/store.js';
import { crossSiteReason } from './cross-site.js';
import type { ForwardedView } from './trusted-proxy.js';

/** Whether a route changes anything; viewers may only use `read` routes. */
export type Access = 'read' | 'write';

declare module 'fastify' {
  interface FastifyRequest {
    admin?: AdminIdentity;
    /** The browser session the request came with (absent for bearer tokens). */
    adminSession?: AdminSession;
  }
  interface FastifyContextConfig {
    /** Defaults to read for GET/HEAD, write otherwise (validate, diff and preview are reads sent by POST). */
    access?: Access;
    /** The audit action name of the route. */
    action?: string;
    /** Answered without credentials (sign-in); the same-origin rule for writes still applies. */
    public?: boolean;
  }
}

const READ_METHODS = new Set(['GET', 'HEAD']);

export function adminError(reply: FastifyReply, status: number, code: string, message: string): FastifyReply {
  return reply.code(status).send({ error: { code, message } });
}

/** The most of an unread body a refused admin request is read for, before its connection is dropped. */
const REFUSED_BODY_DISCARD_BYTES = 1024 * 1024;

/**
 * Refuses a request before its body was read. The rest of the body is discarded, bounded (as on the data plane),
 * so the client reads the refusal instead of a reset, but a caller without credentials cannot keep the connection
 * busy with an endless chunked body: Node alone would read and drop it for as long as it kept coming.
 */
function refuse(reply: FastifyReply, status: number, code: string, message: string): FastifyReply {
  discardUnreadBody(reply.request.raw, REFUSED_BODY_DISCARD_BYTES);
  return adminError(reply, status, code, message);
}

/** The authenticated admin behind a request, as the audit log names them. */
export function actorOf(request: FastifyRequest): Actor {
  const admin = request.admin;
  return { name: admin?.name ?? 'anonymous', role: admin?.role ?? null, origin: request.ip };
}

export function actionOf(request: FastifyRequest): string {
  return request.routeOptions.config.action ?? `${request.method} ${request.routeOptions.url ?? request.url}`;
}

export interface Denial {
  status: 401 | 403;
  reason: string;
}

export interface AdminAuthOptions {
  /** Browser sessions (the Admin UI's cookie); without them only bearer tokens authenticate. */
  sessions?: Sessions;
  forwarded?: ForwardedView;
}

type Authenticated = { identity: AdminIdentity; session?: AdminSession } | Denial;

/** A bearer token first (CLI, scripts), then the session cookie (the Admin UI). */
async function authenticate(
  request: FastifyRequest,
  directory: AdminDirectory,
  sessions: Sessions | undefined,
): Promise<Authenticated> {
  const token = bearerToken(request.headers.authorization);
  if (token) {
    const identity = await directory.authenticate(token);
    return identity ? { identity } : { status: 401, reason: 'invalid or revoked admin token' };
  }
  const cookie = sessions ? cookieValue(request.headers.cookie, SESSION_COOKIE) : undefined;
  if (!cookie || !sessions) return { status: 401, reason: 'missing admin token' };
  const session = await sessions.authenticate(cookie);
  if (!session) return { status: 401, reason: 'expired or revoked session' };
  return { identity: { id: session.subjectId, name: session.name, role: session.role }, session };
}

const DENIAL_ERRORS: Record<string, [code: string, message: string]> = {
  'missing admin token': [
    'GW_ERR_ADMIN_AUTH_MISSING',
    'missing admin token; send "Authorization: Bearer <admin token>" or sign in at /admin',
  ],
  'invalid or revoked admin token': ['GW_ERR_ADMIN_AUTH_INVALID', 'invalid or revoked admin token'],
  'expired or revoked session': ['GW_ERR_ADMIN_SESSION_ENDED', 'the session has ended; sign in again'],
};

/**
 * Authenticates admin API calls by named admin token or browser session (before the body is read, so a caller
 * without valid credentials never gets that far); viewers may only read; pages on other sites may not write,
 * and session writes must prove they come from this origin. Every refusal is reported.
 */
export function adminAuthHook(
  directory: AdminDirectory,
  onDenied: (request: FastifyRequest, denial: Denial) => Promise<void>,
  options: AdminAuthOptions = {},
) {
  const forwardedHost = (request: FastifyRequest) => options.forwarded?.fromTrustedProxy(request) ?? false;
  const refuseCrossSite = async (request: FastifyRequest, reply: FastifyReply, requireOrigin: boolean) => {
    const crossSite = crossSiteReason(request, { forwardedHost: forwardedHost(request), requireOrigin });
    if (!crossSite) return false;
    await onDenied(request, { status: 403, reason: `cross-site request: ${crossSite}` });
    await refuse(
      reply,
      403,
      'GW_ERR_ADMIN_CROSS_ORIGIN',
      'the admin API takes changes only from its own origin or from clients that are not browsers',
    );
    return true;
  };
  return async function authenticateAdmin(request: FastifyRequest, reply: FastifyReply): Promise<void> {
    if (request.routeOptions.config.public) {
      await refuseCrossSite(request, reply, false);
      return;
    }
    const result = await authenticate(request, directory, options.sessions);
    if ('status' in result) {
      await onDenied(request, result);
      const [code, message] = DENIAL_ERRORS[result.reason] ?? ['GW_ERR_ADMIN_AUTH_INVALID', result.reason];
      await refuse(reply, result.status, code, message);
      return;
    }
    const identity = result.identity;
    connectionAuthenticated(request.raw.socket);
    request.admin = identity;
    if (result.session) request.adminSession = result.session;
    const access = request.routeOptions.config.access ?? (READ_METHODS.has(request.method) ? 'read' : 'write');
    if (identity.role !== 'admin' && access === 'write') {
      await onDenied(request, { status: 403, reason: `role ${identity.role} cannot make changes` });
      await refuse(
        reply,
        403,
        'GW_ERR_ADMIN_FORBIDDEN',
        `${result.session ? 'user' : 'admin token'} "${identity.name}" has role ${identity.role} and cannot make changes`,
      );
      return;
    }
    await refuseCrossSite(request, reply, result.session !== undefined);
  };
}
