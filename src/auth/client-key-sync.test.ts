import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loopTurnsDuring } from '../../test/support/loop-turns.js';
import { createClientKey, rotateClientKey } from '../admin/client-keys.js';
import { redirectLog } from '../server/log.js';
import type { ClientKey, Store } from '../store/store.js';
import { openSqliteStore } from '../store/worker-store.js';
import { ClientDirectory } from './client-directory.js';
import { MAX_CHANGES, RELOAD_PAGE } from './client-key-sync.js';
import { hashToken } from './token-hash.js';

/** More keys than one page of a full reload, so that a full reload is told from an applied change. */
const KEYS = RELOAD_PAGE * 2 + 10;

function seedKeys(file: string, count: number, from = 0): void {
  const db = new Database(file);
  const insert = db.prepare(
    `INSERT INTO client_keys (id, name, token_sha256, prefix, created_at, policy) VALUES (?, ?, ?, 'amg_x', ?, '{"rpm":60}')`,
  );
  db.transaction(() => {
    for (let i = from; i < from + count; i++) insert.run(`key_seed_${i}`, `seed-${i}`, hashToken(`seed-${i}`), i);
  })();
  db.close();
}

/** The store, counting the key reads a directory makes: whole lists, pages, and keys read by the change log. */
function counting(store: Store) {
  const reads = { lists: 0, pages: 0, changedKeys: 0 };
  const source = {
    listClientKeys: () => {
      reads.lists++;
      return store.listClientKeys();
    },
    listClientKeysPage: (after: string | null, limit: number) => {
      reads.pages++;
      return store.listClientKeysPage(after, limit);
    },
    latestClientKeyChange: () => store.latestClientKeyChange(),
    clientKeyChanges: async (since: number, limit: number) => {
      const changes = await store.clientKeyChanges(since, limit);
      reads.changedKeys += changes.keys.length;
      return changes;
    },
    credentialVersions: () => store.credentialVersions(),
  };
  return { source, reads };
}

/** Runs `work` with the log captured; returns its lines. */
async function logged(work: () => Promise<unknown>): Promise<string[]> {
  const lines: string[] = [];
  const undo = redirectLog({ write: (line: string) => lines.push(line) });
  try {
    await work();
  } finally {
    undo();
  }
  return lines;
}

describe('client keys kept in step by the change log', () => {
  let dir: string;
  let file: string;
  let store: Store;

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'amg-key-sync-'));
    file = join(dir, 'gateway.db');
    store = await openSqliteStore(file);
    seedKeys(file, KEYS);
  });
  afterEach(async () => {
    await store.close();
    await rm(dir, { recursive: true, force: true });
  });

  it(`reads only the changed key, not all ${KEYS}, for a create, an update, a rotation and a revocation`, async () => {
    const { source, reads } = counting(store);
    const clients = new ClientDirectory(source);
    await clients.refresh();
    expect(clients.syncStats.fullReloads).toBe(1);
    const pagesAtStart = reads.pages;
    expect(pagesAtStart).toBe(3);
    expect((await clients.authenticate('seed-7'))?.keyId).toBe('key_seed_7');

    // Another process (the CLI) creates a key: a second connection to the same file.
    const cli = await openSqliteStore(file);
    try {
      const { token, key } = await createClientKey(cli, { name: 'ci-job-1' });
      await clients.refreshIfChanged();
      expect((await clients.authenticate(token))?.keyId).toBe(key.id);
      expect(clients.syncStats).toEqual({ fullReloads: 1, keysApplied: 1 });

      await cli.updateClientKey('seed-3', { policy: { rpm: 5, tags: { team: 'search' } } });
      await clients.refreshIfChanged();
      expect((await clients.authenticate('seed-3'))?.tags).toEqual({ team: 'search' });

      const rotated = await rotateClientKey(cli, 'seed-4', 60_000);
      await clients.refreshIfChanged();
      expect((await clients.authenticate(rotated.token))?.keyId).toBe('key_seed_4');
      expect((await clients.authenticate('seed-4'))?.keyId).toBe('key_seed_4');
      await cli.endClientKeyGrace('key_seed_4', hashToken('seed-4'));
      await clients.refreshIfChanged();
      expect(await clients.authenticate('seed-4')).toBeUndefined();

      await cli.revokeClientKey('seed-5', Date.now());
      await clients.refreshIfChanged();
      expect(await clients.authenticate('seed-5')).toBeUndefined();
    } finally {
      await cli.close();
    }
    expect(clients.syncStats).toEqual({ fullReloads: 1, keysApplied: 5 });
    expect(reads).toEqual({ lists: 0, pages: pagesAtStart, changedKeys: 5 });
    expect((await clients.authenticate('seed-8'))?.keyId).toBe('key_seed_8');
  });

  it('applies a key deleted from the table by hand', async () => {
    const clients = new ClientDirectory(store);
    await clients.refresh();
    const db = new Database(file);
    db.prepare("DELETE FROM client_keys WHERE id = 'key_seed_9'").run();
    db.close();
    await clients.refreshIfChanged();
    expect(await clients.authenticate('seed-9')).toBeUndefined();
    expect((await clients.authenticate('seed-10'))?.keyId).toBe('key_seed_10');
    expect(clients.syncStats).toEqual({ fullReloads: 1, keysApplied: 1 });
  });

  it('reloads every key, with a warning, when the store is restored from a backup (the counter goes back)', async () => {
    const clients = new ClientDirectory(store);
    await clients.refresh();
    const backup = join(dir, 'backup.db');
    const live = new Database(file);
    await live.backup(backup);
    await store.revokeClientKey('seed-1', Date.now());
    const { token } = await createClientKey(store, { name: 'after-backup' });
    await clients.refreshIfChanged();
    expect(await clients.authenticate('seed-1')).toBeUndefined();
    expect(await clients.authenticate(token)).toBeDefined();

    // The restore, into the live file while the gateway runs: the counter goes back by two.
    await new Database(backup).backup(file);
    live.close();
    const lines = await logged(() => clients.refreshIfChanged());
    expect(lines.join('')).toMatch(/"level":"warn".*change counter went back.*reloading every client key/);
    expect(clients.syncStats.fullReloads).toBe(2);
    expect((await clients.authenticate('seed-1'))?.keyId).toBe('key_seed_1');
    expect(await clients.authenticate(token)).toBeUndefined();
  });

  it('reloads every key when a restored store has since moved past the version applied (another history)', async () => {
    const clients = new ClientDirectory(store);
    await clients.refresh();
    const backup = join(dir, 'backup.db');
    const live = new Database(file);
    await live.backup(backup);
    await store.revokeClientKey('seed-1', Date.now());
    await clients.refreshIfChanged();
    expect(await clients.authenticate('seed-1')).toBeUndefined();

    await new Database(backup).backup(file);
    live.close();
    // Two changes after the restore: the counter is now past the version applied, from a history without it.
    const first = await createClientKey(store, { name: 'restored-1' });
    await createClientKey(store, { name: 'restored-2' });
    const lines = await logged(() => clients.refreshIfChanged());
    expect(lines.join('')).toMatch(/"level":"warn".*no longer holds the change applied last/);
    expect(clients.syncStats.fullReloads).toBe(2);
    expect((await clients.authenticate('seed-1'))?.keyId).toBe('key_seed_1');
    expect(await clients.authenticate(first.token)).toBeDefined();
  });

  it(`reloads every key when more than ${MAX_CHANGES} changed since the last check`, async () => {
    const clients = new ClientDirectory(store);
    await clients.refresh();
    seedKeys(file, MAX_CHANGES + 1, KEYS);
    await clients.refreshIfChanged();
    expect(clients.syncStats).toEqual({ fullReloads: 2, keysApplied: 0 });
    expect((await clients.authenticate(`seed-${KEYS + MAX_CHANGES}`))?.name).toBe(`seed-${KEYS + MAX_CHANGES}`);
  });

  it('keeps the log bounded: old entries go, a gateway that missed them reloads every key', async () => {
    const db = new Database(file);
    const count = () => db.prepare('SELECT count(*) FROM client_key_changes').pluck().get() as number;
    expect(count()).toBe(KEYS + 1);
    seedKeys(file, 10_000, KEYS);
    expect(count()).toBeLessThanOrEqual(10_000);
    db.close();
  });

  it('brings two gateways on one store to the same keys, whichever of them changed them', async () => {
    const other = await openSqliteStore(file);
    try {
      const [a, b] = [new ClientDirectory(store), new ClientDirectory(other)];
      await Promise.all([a.refresh(), b.refresh()]);
      const made: { token: string; key: { id: string } }[] = [];
      for (let i = 0; i < 6; i++) made.push(await createClientKey(i % 2 ? store : other, { name: `job-${i}` }));
      await (made[0] ? store.revokeClientKey(made[0].key.id, Date.now()) : undefined);
      await other.updateClientKey('job-1', { policy: { models: ['gpt-4o'] } });
      await Promise.all([a.refreshIfChanged(), b.refreshIfChanged()]);
      for (const directory of [a, b]) {
        const seen = await Promise.all(made.map((m) => directory.authenticate(m.token)));
        expect(seen.map((identity) => identity?.name ?? null)).toEqual([
          null,
          'job-1',
          'job-2',
          'job-3',
          'job-4',
          'job-5',
        ]);
        expect((await directory.authenticate(made[1]?.token ?? ''))?.access?.mayUse?.('gpt-4o-mini')).toBe(false);
        expect(directory.syncStats.fullReloads).toBe(1);
      }
    } finally {
      await other.close();
    }
  });

  it('refuses an expired key at its expiry time, with no reload in between', async () => {
    let now = Date.now();
    const clients = new ClientDirectory(store, () => now);
    const { token } = await createClientKey(store, { name: 'short', expiresInDays: 1 }, now);
    await clients.refresh();
    expect(await clients.authenticate(token)).toBeDefined();
    now += 86_400_000;
    expect(await clients.authenticate(token)).toBeUndefined();
  });
});

/** A ClientKey for a source without a store. */
function key(id: string): ClientKey {
  return {
    id,
    name: id,
    tokenSha256: hashToken(id),
    prefix: 'amg_x',
    createdAt: 0,
    expiresAt: null,
    revokedAt: null,
    policy: {},
    previousTokenSha256: null,
    previousExpiresAt: null,
  };
}

describe('a full reload', () => {
  it('builds the table a page at a time, with turns of the event loop between pages', async () => {
    const keys = Array.from({ length: RELOAD_PAGE * 4 }, (_, i) => key(`k${i}`));
    const clients = new ClientDirectory({ listClientKeys: async () => keys });
    expect(await loopTurnsDuring(() => clients.refresh())).toBeGreaterThanOrEqual(3);
    expect((await clients.authenticate(`k${RELOAD_PAGE * 4 - 1}`))?.keyId).toBe(`k${RELOAD_PAGE * 4 - 1}`);
  });
});
