import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { requestRecord } from '../../test/support/request-records.js';
import { createClientKey, rotateClientKey } from '../admin/client-keys.js';
import { AdminDirectory } from '../auth/admin-directory.js';
import { ClientDirectory } from '../auth/client-directory.js';
import type { Store } from './store.js';
import { openSqliteStore } from './worker-store.js';

/** The store, counting its list calls (what the periodic check must not make while nothing changed). */
function counting(store: Store) {
  const calls = { listClientKeys: 0, listAdminTokens: 0 };
  const source = {
    listClientKeys: () => {
      calls.listClientKeys++;
      return store.listClientKeys();
    },
    listAdminTokens: () => {
      calls.listAdminTokens++;
      return store.listAdminTokens();
    },
    credentialVersions: () => store.credentialVersions(),
  };
  return { source, calls };
}

describe('credential change counters', () => {
  let dir: string;
  let file: string;
  let store: Store;

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'amg-credential-versions-'));
    file = join(dir, 'gateway.db');
    store = await openSqliteStore(file);
  });
  afterEach(async () => {
    await store.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('move on every change that matters to authentication or policy, in its own table only', async () => {
    const start = await store.credentialVersions();
    const { key } = await createClientKey(store, { name: 'app' });
    const created = await store.credentialVersions();
    expect(created.clientKeys).toBeGreaterThan(start.clientKeys);
    expect(created.adminTokens).toBe(start.adminTokens);

    await store.updateClientKey(key.id, { policy: { rpm: 5 } });
    const limited = await store.credentialVersions();
    expect(limited.clientKeys).toBeGreaterThan(created.clientKeys);

    await rotateClientKey(store, key.id, 60_000);
    const rotated = await store.credentialVersions();
    expect(rotated.clientKeys).toBeGreaterThan(limited.clientKeys);

    const [current] = await store.listClientKeys();
    await store.endClientKeyGrace(key.id, current?.previousTokenSha256 ?? '');
    const graceEnded = await store.credentialVersions();
    expect(graceEnded.clientKeys).toBeGreaterThan(rotated.clientKeys);

    await store.revokeClientKey(key.id, Date.now());
    expect((await store.credentialVersions()).clientKeys).toBeGreaterThan(graceEnded.clientKeys);

    const beforeAdmin = await store.credentialVersions();
    await store.insertAdminToken({
      id: 'adm_1',
      name: 'ops',
      role: 'admin',
      tokenSha256: 'a'.repeat(64),
      createdAt: Date.now(),
      revokedAt: null,
    });
    const adminCreated = await store.credentialVersions();
    expect(adminCreated.adminTokens).toBeGreaterThan(beforeAdmin.adminTokens);
    expect(adminCreated.clientKeys).toBe(beforeAdmin.clientKeys);
    await store.revokeAdminToken('ops', Date.now());
    expect((await store.credentialVersions()).adminTokens).toBeGreaterThan(adminCreated.adminTokens);
  });

  it('stay put for telemetry, sessions and columns that change nothing (the display prefix)', async () => {
    const { key } = await createClientKey(store, { name: 'app' });
    const before = await store.credentialVersions();
    await store.insertRequests([requestRecord({}), requestRecord({})]);
    await store.setMeta('gateway.report', '{}');
    await store.updateClientKey(key.id, { prefix: 'amg_shown' });
    // An update that matches no row (a revoke of a key already revoked elsewhere) is no change either.
    await store.revokeAdminToken('nobody', Date.now());
    expect(await store.credentialVersions()).toEqual(before);
    expect((await store.listClientKeys())[0]?.prefix).toBe('amg_shown');
  });

  it('let the periodic check skip the lists under traffic, and see a revocation from another process at once', async () => {
    const { token, key } = await createClientKey(store, { name: 'app', policy: { rpm: 10 } });
    const { source, calls } = counting(store);
    const clients = new ClientDirectory(source);
    const admins = new AdminDirectory(source);
    await Promise.all([clients.refresh(), admins.refresh()]);
    expect(calls).toEqual({ listClientKeys: 1, listAdminTokens: 1 });

    // Several periodic checks while telemetry commits between them: no list at all.
    for (let check = 0; check < 5; check++) {
      await store.insertRequests([requestRecord({})]);
      await Promise.all([clients.refreshIfChanged(), admins.refreshIfChanged()]);
    }
    expect(calls).toEqual({ listClientKeys: 1, listAdminTokens: 1 });
    expect((await clients.authenticate(token))?.keyId).toBe(key.id);

    // `amg keys revoke` is another process: another connection to the same file.
    const cli = await openSqliteStore(file);
    try {
      await cli.revokeClientKey('app', Date.now());
    } finally {
      await cli.close();
    }
    await Promise.all([clients.refreshIfChanged(), admins.refreshIfChanged()]);
    expect(calls).toEqual({ listClientKeys: 2, listAdminTokens: 1 });
    expect(await clients.authenticate(token)).toBeUndefined();
  });
});

describe('migration 0017 on an existing database', () => {
  it('keeps the keys, and its counters then follow changes', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'amg-credential-upgrade-'));
    const file = join(dir, 'gateway.db');
    try {
      let store = await openSqliteStore(file);
      const { token } = await createClientKey(store, { name: 'before-upgrade' });
      await store.close();
      // The database as the build before this migration left it: every other migration applied, 0018 included.
      const db = new Database(file);
      for (const event of ['insert', 'delete', 'update']) {
        db.exec(`DROP TRIGGER client_keys_version_${event}; DROP TRIGGER admin_tokens_version_${event};`);
      }
      db.exec('DROP TABLE credential_versions');
      db.prepare("DELETE FROM amg_migrations WHERE name = '0017_credential_versions'").run();
      // 0020 (the change log) builds on 0017: no database has one without the other.
      db.exec('DROP TABLE client_key_changes');
      db.prepare("DELETE FROM amg_migrations WHERE name = '0020_client_key_changes'").run();
      expect(db.prepare("SELECT count(*) FROM amg_migrations WHERE name = '0018_rollup_grains'").pluck().get()).toBe(1);
      db.close();

      store = await openSqliteStore(file);
      try {
        const clients = new ClientDirectory(store);
        await clients.refresh();
        expect((await clients.authenticate(token))?.name).toBe('before-upgrade');
        const before = await store.credentialVersions();
        await store.revokeClientKey('before-upgrade', Date.now());
        expect((await store.credentialVersions()).clientKeys).toBeGreaterThan(before.clientKeys);
        await clients.refreshIfChanged();
        expect(await clients.authenticate(token)).toBeUndefined();
        // 0020 ran on the upgraded store too: its change log started at the counter, so one key was read.
        expect(clients.syncStats).toEqual({ fullReloads: 1, keysApplied: 1 });
      } finally {
        await store.close();
      }
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
