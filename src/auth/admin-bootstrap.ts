import { randomUUID } from 'node:crypto';
import type { Store } from '../store/store.js';
import { generateToken, hashToken } from './token-hash.js';

export type BootstrapOutcome =
  | { kind: 'generated'; token: string }
  | { kind: 'from-env' }
  | { kind: 'existing'; count: number };

/**
 * Makes sure an admin credential exists. AMG_ADMIN_TOKEN (automation) is registered by hash; otherwise, on a
 * store with no admin token, one is generated and returned so the caller can print it exactly once.
 */
export async function bootstrapAdminToken(
  store: Pick<Store, 'listAdminTokens' | 'insertAdminToken'>,
  envToken: string | undefined,
  now = Date.now(),
): Promise<BootstrapOutcome> {
  const active = (await store.listAdminTokens()).filter((t) => t.revokedAt === null);
  if (envToken) {
    const digest = hashToken(envToken);
    if (!active.some((t) => t.tokenSha256 === digest)) {
      const name = active.some((t) => t.name === 'bootstrap') ? `env-${digest.slice(0, 8)}` : 'bootstrap';
      await store.insertAdminToken({
        id: randomUUID(),
        name,
        role: 'admin',
        tokenSha256: digest,
        createdAt: now,
        revokedAt: null,
      });
    }
    return { kind: 'from-env' };
  }
  if (active.length > 0) return { kind: 'existing', count: active.length };
  const token = generateToken('amg_admin_');
  await store.insertAdminToken({
    id: randomUUID(),
    name: 'bootstrap',
    role: 'admin',
    tokenSha256: hashToken(token),
    createdAt: now,
    revokedAt: null,
  });
  return { kind: 'generated', token };
}
