import { randomUUID } from 'node:crypto';
import { generateToken, hashToken } from '../auth/token-hash.js';
import type { AdminRole, AdminToken, Store } from '../store/store.js';

/** An admin token as shown to operators: never the token or its hash. */
export interface AdminTokenView {
  id: string;
  name: string;
  role: AdminRole;
  createdAt: string;
  revokedAt: string | null;
  status: 'active' | 'revoked';
}

export class AdminTokenError extends Error {
  constructor(
    message: string,
    readonly status: number,
  ) {
    super(message);
    this.name = 'AdminTokenError';
  }
}

const NAME = /^[A-Za-z0-9][A-Za-z0-9._:@-]{0,127}$/;
const ROLES = new Set<string>(['admin', 'viewer']);

export function viewAdminToken(token: AdminToken): AdminTokenView {
  return {
    id: token.id,
    name: token.name,
    role: token.role,
    createdAt: new Date(token.createdAt).toISOString(),
    revokedAt: token.revokedAt === null ? null : new Date(token.revokedAt).toISOString(),
    status: token.revokedAt === null ? 'active' : 'revoked',
  };
}

/** Creates a named admin credential; the returned token is the only time it exists in clear. */
export async function createAdminToken(
  store: Pick<Store, 'insertAdminToken' | 'listAdminTokens'>,
  input: { name: string; role: string },
  now = Date.now(),
): Promise<{ token: string; view: AdminTokenView }> {
  if (!NAME.test(input.name))
    throw new AdminTokenError('name must be 1-128 characters: letters, digits and . _ : @ -', 400);
  if (!ROLES.has(input.role)) throw new AdminTokenError('role must be admin or viewer', 400);
  const active = (await store.listAdminTokens()).filter((t) => t.revokedAt === null);
  if (active.some((t) => t.name === input.name)) {
    throw new AdminTokenError(`an active admin token named "${input.name}" already exists`, 409);
  }
  const token = generateToken('amg_admin_');
  const record: AdminToken = {
    id: `adm_${randomUUID().replaceAll('-', '').slice(0, 20)}`,
    name: input.name,
    role: input.role as AdminRole,
    tokenSha256: hashToken(token),
    createdAt: now,
    revokedAt: null,
  };
  await store.insertAdminToken(record);
  return { token, view: viewAdminToken(record) };
}

export async function listAdminTokens(store: Pick<Store, 'listAdminTokens'>): Promise<AdminTokenView[]> {
  return (await store.listAdminTokens()).map(viewAdminToken);
}

/** Revokes an admin token by id or name; the last active admin-role token cannot be revoked (no lock-out). */
export async function revokeAdminToken(
  store: Pick<Store, 'listAdminTokens' | 'revokeAdminToken'>,
  idOrName: string,
  now = Date.now(),
): Promise<AdminTokenView> {
  const active = (await store.listAdminTokens()).filter((t) => t.revokedAt === null);
  const target = active.find((t) => t.id === idOrName) ?? active.find((t) => t.name === idOrName);
  if (!target) throw new AdminTokenError(`no active admin token with id or name "${idOrName}"`, 404);
  if (target.role === 'admin' && active.filter((t) => t.role === 'admin').length === 1) {
    throw new AdminTokenError(`"${target.name}" is the last active admin token; create another admin first`, 409);
  }
  const revoked = await store.revokeAdminToken(target.id, now);
  if (!revoked) throw new AdminTokenError(`no active admin token with id or name "${idOrName}"`, 404);
  return viewAdminToken(revoked);
}
