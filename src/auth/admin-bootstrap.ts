import { randomUUID } from 'node:crypto';
import { type AuditLog, localActor } from '../audit/audit-log.js';
import type { AdminToken, Store } from '../store/store.js';
import { generateToken, hashToken } from './token-hash.js';

export type BootstrapOutcome =
  | { kind: 'generated'; token: string }
  | { kind: 'from-env' }
  | { kind: 'existing'; count: number };

function adminRecord(name: string, tokenSha256: string, now: number): AdminToken {
  return { id: randomUUID(), name, role: 'admin', tokenSha256, createdAt: now, revokedAt: null };
}

/** Stores a bootstrap credential and records it like any other admin token creation. */
async function register(
  store: Pick<Store, 'insertAdminToken'>,
  audit: Pick<AuditLog, 'record'>,
  token: AdminToken,
  source: string,
): Promise<void> {
  await store.insertAdminToken(token);
  await audit.record(localActor(), {
    action: 'admin_tokens.create',
    outcome: 'ok',
    target: token.name,
    detail: { id: token.id, role: token.role, source },
  });
}

/**
 * Makes sure an admin credential exists. AMG_ADMIN_TOKEN (automation) is registered by hash; otherwise, on a
 * store with no admin token, one is generated and returned so the caller can print it exactly once. Either
 * registration is in the audit log.
 */
export async function bootstrapAdminToken(
  store: Pick<Store, 'listAdminTokens' | 'insertAdminToken'>,
  envToken: string | undefined,
  audit: Pick<AuditLog, 'record'>,
  now = Date.now(),
): Promise<BootstrapOutcome> {
  const active = (await store.listAdminTokens()).filter((t) => t.revokedAt === null);
  if (envToken) {
    const digest = hashToken(envToken);
    if (!active.some((t) => t.tokenSha256 === digest)) {
      const name = active.some((t) => t.name === 'bootstrap') ? `env-${digest.slice(0, 8)}` : 'bootstrap';
      await register(store, audit, adminRecord(name, digest, now), 'AMG_ADMIN_TOKEN');
    }
    return { kind: 'from-env' };
  }
  if (active.length > 0) return { kind: 'existing', count: active.length };
  const token = generateToken('amg_admin_');
  await register(store, audit, adminRecord('bootstrap', hashToken(token), now), 'generated at first start');
  return { kind: 'generated', token };
}
