import { describe, expect, it } from 'vitest';
import { openTestStore } from '../../test/support/sqlite-store.js';
import { AuditLog } from '../audit/audit-log.js';
import { bootstrapAdminToken } from './admin-bootstrap.js';
import { hashToken } from './token-hash.js';

async function setUp() {
  const store = await openTestStore();
  const audit = new AuditLog(store);
  const activeHashes = async () =>
    (await store.listAdminTokens()).filter((t) => t.revokedAt === null).map((t) => t.tokenSha256);
  return { store, audit, activeHashes };
}

describe('bootstrapAdminToken with AMG_ADMIN_TOKEN', () => {
  it('replaces the token an earlier value registered, and leaves other admin tokens alone', async () => {
    const { store, audit, activeHashes } = await setUp();
    await bootstrapAdminToken(store, 'amg_admin_first_value_000000', audit, 1);
    await store.insertAdminToken({
      id: 'alice-id',
      name: 'alice',
      role: 'viewer',
      tokenSha256: hashToken('alice-token'),
      createdAt: 2,
      revokedAt: null,
    });
    await bootstrapAdminToken(store, 'amg_admin_first_value_000000', audit, 3);
    expect(await activeHashes()).toEqual([hashToken('amg_admin_first_value_000000'), hashToken('alice-token')]);

    await bootstrapAdminToken(store, 'amg_admin_second_value_00000', audit, 4);
    expect(await activeHashes()).toEqual([hashToken('alice-token'), hashToken('amg_admin_second_value_00000')]);
    const actions = (await store.listAudit({ limit: 10 })).map((r) => `${r.action} ${r.target}`);
    expect(actions).toContain('admin_tokens.revoke bootstrap');
  });

  it('refuses a value shorter than the 16 characters client tokens need', async () => {
    const { store, audit, activeHashes } = await setUp();
    await expect(bootstrapAdminToken(store, 'admin', audit, 1)).rejects.toThrow(
      /AMG_ADMIN_TOKEN must be at least 16 characters \(it has 5\)/,
    );
    expect(await activeHashes()).toEqual([]);
  });

  it('refuses a value whose token was revoked instead of bringing it back', async () => {
    const { store, audit } = await setUp();
    await bootstrapAdminToken(store, 'amg_admin_first_value_000000', audit, 1);
    await store.revokeAdminToken('bootstrap', 2);
    await expect(bootstrapAdminToken(store, 'amg_admin_first_value_000000', audit, 3)).rejects.toThrow(
      /AMG_ADMIN_TOKEN is the admin token "bootstrap", revoked on .*; set a new value/,
    );
  });
});
