import type { FastifyReply, FastifyRequest } from 'fastify';
import type { AdminDirectory, AdminIdentity } from '../auth/admin-directory.js';
import { bearerToken } from '../auth/token-hash.js';

declare module 'fastify' {
  interface FastifyRequest {
    admin?: AdminIdentity;
  }
}

const READ_METHODS = new Set(['GET', 'HEAD']);

export function adminError(reply: FastifyReply, status: number, code: string, message: string): FastifyReply {
  return reply.code(status).send({ error: { code, message } });
}

/** Authenticates admin API calls by named admin token; viewers may only read. */
export function adminAuthHook(directory: AdminDirectory) {
  return async function authenticateAdmin(request: FastifyRequest, reply: FastifyReply): Promise<void> {
    const token = bearerToken(request.headers.authorization);
    if (!token) {
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
      await adminError(reply, 401, 'GW_ERR_ADMIN_AUTH_INVALID', 'invalid or revoked admin token');
      return;
    }
    request.admin = identity;
    if (identity.role !== 'admin' && !READ_METHODS.has(request.method)) {
      await adminError(
        reply,
        403,
        'GW_ERR_ADMIN_FORBIDDEN',
        `admin token "${identity.name}" has role ${identity.role} and cannot make changes`,
      );
    }
  };
}
