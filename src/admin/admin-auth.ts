import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Actor } from '../audit/audit-log.js';
import type { AdminDirectory, AdminIdentity } from '../auth/admin-directory.js';
import { bearerToken } from '../auth/token-hash.js';
import { crossSiteReason } from './cross-site.js';

/** Whether a route changes anything; viewers may only use `read` routes. */
export type Access = 'read' | 'write';

declare module 'fastify' {
  interface FastifyRequest {
    admin?: AdminIdentity;
  }
  interface FastifyContextConfig {
    /** Defaults to read for GET/HEAD, write otherwise (validate, diff and preview are reads sent by POST). */
    access?: Access;
    /** The audit action name of the route. */
    action?: string;
  }
}

const READ_METHODS = new Set(['GET', 'HEAD']);

export function adminError(reply: FastifyReply, status: number, code: string, message: string): FastifyReply {
  return reply.code(status).send({ error: { code, message } });
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

/**
 * Authenticates admin API calls by named admin token (before the body is read, so a caller without a valid
 * token never gets that far); viewers may only read; pages on other sites may not write. Every refusal is
 * reported.
 */
export function adminAuthHook(
  directory: AdminDirectory,
  onDenied: (request: FastifyRequest, denial: Denial) => Promise<void>,
) {
  return async function authenticateAdmin(request: FastifyRequest, reply: FastifyReply): Promise<void> {
    const token = bearerToken(request.headers.authorization);
    if (!token) {
      await onDenied(request, { status: 401, reason: 'missing admin token' });
      await adminError(
        reply,
        401,
        'GW_ERR_ADMIN_AUTH_MISSING',
        'missing admin token; send "Authorization: Bearer <admin token>"',
      );
      return;
    }
    const identity = await directory.authenticate(token);
    if (!identity) {
      await onDenied(request, { status: 401, reason: 'invalid or revoked admin token' });
      await adminError(reply, 401, 'GW_ERR_ADMIN_AUTH_INVALID', 'invalid or revoked admin token');
      return;
    }
    request.admin = identity;
    const access = request.routeOptions.config.access ?? (READ_METHODS.has(request.method) ? 'read' : 'write');
    if (identity.role !== 'admin' && access === 'write') {
      await onDenied(request, { status: 403, reason: `role ${identity.role} cannot make changes` });
      await adminError(
        reply,
        403,
        'GW_ERR_ADMIN_FORBIDDEN',
        `admin token "${identity.name}" has role ${identity.role} and cannot make changes`,
      );
      return;
    }
    const crossSite = crossSiteReason(request);
    if (crossSite) {
      await onDenied(request, { status: 403, reason: `cross-site request: ${crossSite}` });
      await adminError(
        reply,
        403,
        'GW_ERR_ADMIN_CROSS_ORIGIN',
        'the admin API takes changes only from its own origin or from clients that are not browsers',
      );
    }
  };
}
