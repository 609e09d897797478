import { randomUUID } from 'node:crypto';
import type { AdminRole, AdminUser, Store } from '../store/store.js';
import { hashPassword } from './password.js';

/** An admin user as shown to operators: never the password hash. */
export interface AdminUserView {
  id: string;
  name: string;
  role: AdminRole;
  createdAt: string;
}

export class AdminUserError extends Error {
  constructor(
    message: string,
    readonly status: number,
  ) {
    super(message);
    this.name = 'AdminUserError';
  }
}

const NAME = /^[A-Za-z0-9][A-Za-z0-9._@-]{0,63}$/;

export function viewAdminUser(user: AdminUser): AdminUserView {
  return { id: user.id, name: user.name, role: user.role, createdAt: new Date(user.createdAt).toISOString() };
}

/** Creates a user who signs in with a password; only its argon2id hash is stored. */
export async function createAdminUser(
  store: Pick<Store, 'insertAdminUser' | 'listAdminUsers'>,
  input: { name: string; role: string; password: string },
  now = Date.now(),
): Promise<AdminUserView> {
  if (!NAME.test(input.name))
    throw new AdminUserError('name must be 1-64 characters: letters, digits and . _ @ -', 400);
  if (input.role !== 'admin' && input.role !== 'viewer') throw new AdminUserError('role must be admin or viewer', 400);
  if ((await store.listAdminUsers()).some((u) => u.name === input.name)) {
    throw new AdminUserError(`an admin user named "${input.name}" already exists`, 409);
  }
  let passwordHash: string;
  try {
    passwordHash = await hashPassword(input.password);
  } catch (error) {
    throw new AdminUserError((error as Error).message, 400);
  }
  const user: AdminUser = {
    id: `usr_${randomUUID().replaceAll('-', '').slice(0, 20)}`,
    name: input.name,
    role: input.role,
    passwordHash,
    createdAt: now,
  };
  await store.insertAdminUser(user);
  return viewAdminUser(user);
}

/** Deletes a user and ends every session they have, at once. */
export async function deleteAdminUser(
  store: Pick<Store, 'deleteAdminUser' | 'revokeSessions'>,
  idOrName: string,
  now = Date.now(),
): Promise<AdminUserView & { sessionsRevoked: number }> {
  const deleted = await store.deleteAdminUser(idOrName);
  if (!deleted) throw new AdminUserError(`no admin user with id or name "${idOrName}"`, 404);
  const revoked = await store.revokeSessions({ subjectId: deleted.id }, now);
  return { ...viewAdminUser(deleted), sessionsRevoked: revoked.length };
}
