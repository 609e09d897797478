import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { lockStore, openTestStore } from '../../test/support/sqlite-store.js';
import { REPORT_PREFIX } from '../config/environments/gateway-environments.js';
import { gatewayAdminUrl } from './running-gateway.js';

/**
 * `amg status` without --url looks up the running gateways in the store. While another process holds the store
 * locked it must still answer at once: from the reports when they can be read, else from the config file's
 * address, saying the store is busy (it opened the store as the gateway does, whose migrations wait out the
 * 5 s busy timeout behind the lock, and fell back in silence).
 */
describe('gatewayAdminUrl while another process holds the store', () => {
  let dir: string;
  let configPath: string;
  let stderr: ReturnType<typeof vi.spyOn>;
  let store: Awaited<ReturnType<typeof openTestStore>>;

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'amg-running-'));
    configPath = join(dir, 'gateway.yaml');
    writeFileSync(configPath, 'server:\n  listen: 127.0.0.1:18080\nstorage: sqlite:./gateway.db\n');
    store = await openTestStore(join(dir, 'gateway.db'));
    const report = { id: 'g1', host: 'h', pid: 1, url: 'http://127.0.0.1:28080', seenAt: Date.now(), envNames: [] };
    await store.setMeta(`${REPORT_PREFIX}g1`, JSON.stringify(report));
    // Left open, as a running gateway keeps it: the WAL files stay.
    stderr = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
  });
  afterEach(async () => {
    await store.close();
    stderr.mockRestore();
    rmSync(dir, { recursive: true, force: true });
  });

  it('reads the gateways it reports while another process holds the write lock', async () => {
    const lock = lockStore(dir, 'IMMEDIATE');
    try {
      expect(await gatewayAdminUrl(configPath)).toBe('http://127.0.0.1:28080');
      // Answered while the lock was still held, not after it went.
      expect(lock.held).toBe(true);
    } finally {
      lock.release();
    }
    expect(stderr).not.toHaveBeenCalled();
  });

  it('says the store is busy and takes the config file address when it cannot be read at once', async () => {
    // A connection that keeps the database to itself (locking_mode = EXCLUSIVE, a write made) shuts out readers.
    await store.close();
    const Database = (await import('better-sqlite3')).default;
    const locker = new Database(join(dir, 'gateway.db'));
    locker.pragma('locking_mode = EXCLUSIVE');
    locker.exec("BEGIN EXCLUSIVE; INSERT INTO meta (key, value) VALUES ('x', 'y')");
    try {
      expect(await gatewayAdminUrl(configPath)).toBe('http://127.0.0.1:18080');
    } finally {
      locker.exec('ROLLBACK');
      locker.close();
    }
    expect(String(stderr.mock.calls[0]?.[0])).toMatch(
      /^amg: the store .*gateway\.db is busy \(another process holds it locked\); using the address in the config file/,
    );
  });
});
