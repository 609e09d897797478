import { randomUUID } from 'node:crypto';
import { type AuditLog, localActor } from '../audit/audit-log.js';
import type { AdminToken, Store } from '../store/store.js';
import { generateToken, hashToken } from './token-hash.js';

export type BootstrapOutcome =
  | { kind: 'generated'; token: string; id: string }
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

/** The same minimum as client tokens: an admin token guards more. */
export const MIN_ADMIN_TOKEN_LENGTH = 16;

/** The id of the admin token that the current AMG_ADMIN_TOKEN value registered. */
const ENV_TOKEN_META = 'admin_token_from_env';

type BootstrapStore = Pick<Store, 'listAdminTokens' | 'insertAdminToken' | 'revokeAdminToken' | 'getMeta' | 'setMeta'>;

/**
 * Registers AMG_ADMIN_TOKEN by hash. A new value is a rotation: the token the previous value registered is
 * revoked (and audited), so the old secret stops working; tokens made any other way are left alone.
 */
async function registerEnvToken(
  store: BootstrapStore,
  envToken: string,
  tokens: readonly AdminToken[],
  audit: Pick<AuditLog, 'record'>,
  now: number,
): Promise<void> {
  const digest = hashToken(envToken);
  const active = tokens.filter((t) => t.revokedAt === null);
  const current = active.find((t) => t.tokenSha256 === digest);
  const revoked = tokens.find((t) => t.tokenSha256 === digest && t.revokedAt !== null);
  if (!current && revoked) {
    // A revoked secret stays revoked: bringing it back through the environment would undo a deliberate act.
    throw new Error(
      `AMG_ADMIN_TOKEN is the admin token "${revoked.name}", revoked on ${new Date(revoked.revokedAt as number).toISOString()}; set a new value`,
    );
  }
  const previousId = await store.getMeta(ENV_TOKEN_META);
  if (current) {
    if (previousId === undefined) await store.setMeta(ENV_TOKEN_META, current.id);
    return;
  }
  const previous = active.find((t) => t.id === previousId);
  if (previous) {
    await store.revokeAdminToken(previous.id, now);
    await audit.record(localActor(), {
      action: 'admin_tokens.revoke',
      outcome: 'ok',
      target: previous.name,
      detail: { id: previous.id, reason: 'AMG_ADMIN_TOKEN changed' },
    });
  }
  const taken = active.some((t) => t !== previous && t.name === 'bootstrap');
  const token = adminRecord(taken ? `env-${digest.slice(0, 8)}` : 'bootstrap', digest, now);
  await register(store, audit, token, 'AMG_ADMIN_TOKEN');
  await store.setMeta(ENV_TOKEN_META, token.id);
}

/**
 * Makes sure an admin credential exists. AMG_ADMIN_TOKEN (automation) is registered by hash, replacing what an
 * earlier value registered; otherwise, on a store with no admin token, one is generated and returned so the
 * caller can print it exactly once. Every registration and replacement is in the audit log.
 */
export async function bootstrapAdminToken(
  store: BootstrapStore,
  envToken: string | undefined,
  audit: Pick<AuditLog, 'record'>,
  now = Date.now(),
): Promise<BootstrapOutcome> {
  const tokens = await store.listAdminTokens();
  const active = tokens.filter((t) => t.revokedAt === null);
  if (envToken !== undefined && envToken.length < MIN_ADMIN_TOKEN_LENGTH) {
    throw new Error(
      `AMG_ADMIN_TOKEN must be at least ${MIN_ADMIN_TOKEN_LENGTH} characters (it has ${envToken.length}), as client tokens must`,
    );
  }
  if (envToken) {
    await registerEnvToken(store, envToken, tokens, audit, now);
    return { kind: 'from-env' };
  }
  if (active.length > 0) return { kind: 'existing', count: active.length };
  const token = generateToken('amg_admin_');
  const record = adminRecord('bootstrap', hashToken(token), now);
  await register(store, audit, record, 'generated at first start');
  return { kind: 'generated', token, id: record.id };
}

/**
 * A start stopped after it generated the first admin token but before its banner showed it: the token is
 * revoked (and audited), since nobody can have it, so the next start finds no admin token and generates one it
 * shows, rather than speaking of one "shown at the first start".
 */
export async function withdrawUnshownToken(
  store: Pick<Store, 'revokeAdminToken'>,
  audit: Pick<AuditLog, 'record'>,
  outcome: BootstrapOutcome,
  now = Date.now(),
): Promise<void> {
  if (outcome.kind !== 'generated') return;
  const revoked = await store.revokeAdminToken(outcome.id, now);
  if (!revoked) return;
  await audit.record(localActor(), {
    action: 'admin_tokens.revoke',
    outcome: 'ok',
    target: revoked.name,
    detail: { id: revoked.id, reason: 'the start stopped before it showed this generated token' },
  });
}
