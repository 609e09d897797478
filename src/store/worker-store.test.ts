import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Store } from './store.js';
import { openSqliteStore, runningWriterThreads, writerIdle } from './worker-store.js';

const defaults = { ...writerIdle };

async function until(condition: () => boolean, timeoutMs = 10_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

describe('the SQLite writer thread of an idle gateway', () => {
  let dir: string;
  let file: string;
  let store: Store;

  beforeEach(async () => {
    Object.assign(writerIdle, { stopAfterMs: 50, maxStopAfterMs: 200 });
    dir = await mkdtemp(join(tmpdir(), 'amg-writer-idle-'));
    file = join(dir, 'gateway.db');
    await writeFile(file, '');
    store = await openSqliteStore(file, { stopWhenIdle: true });
  });
  afterEach(async () => {
    await store.close();
    Object.assign(writerIdle, defaults);
    await rm(dir, { recursive: true, force: true });
  });

  it('stops when idle and starts again for the next call, which sees what was written before', async () => {
    await store.setMeta('k', 'written while running');
    await until(() => runningWriterThreads() === 0);
    expect(await store.getMeta('k')).toBe('written while running');
    expect(runningWriterThreads()).toBe(1);
    await until(() => runningWriterThreads() === 0);
  });

  it("answers the timers' reads without the thread until another connection commits", async () => {
    // Stopped once: the main thread's probe is open, and the reads below are remembered.
    await until(() => runningWriterThreads() === 0);
    expect(await store.activeRevisionNumber()).toBeNull();
    expect(await store.listClientKeys()).toEqual([]);
    await until(() => runningWriterThreads() === 0);
    expect(await store.activeRevisionNumber()).toBeNull();
    expect(await store.listClientKeys()).toEqual([]);
    expect(runningWriterThreads()).toBe(0);

    // The CLI revoking a key or publishing a revision is another connection to the same file.
    const other = new Database(file);
    other.prepare('INSERT INTO meta (key, value) VALUES (?, ?)').run('config.active_revision', '4');
    other.close();
    expect(await store.activeRevisionNumber()).toBe(4);
    expect(runningWriterThreads()).toBe(1);
  });

  it('writes and deletes meta rows on the main thread while stopped, and forgets a reply such a row changes', async () => {
    await until(() => runningWriterThreads() === 0);
    expect(await store.activeRevisionNumber()).toBeNull();
    await until(() => runningWriterThreads() === 0);
    await store.setMeta('gateway.instance.a', 'report');
    await store.setMeta('config.active_revision', '9');
    expect(runningWriterThreads()).toBe(0);
    const other = new Database(file, { readonly: true });
    expect(other.prepare("SELECT value FROM meta WHERE key = 'gateway.instance.a'").pluck().get()).toBe('report');
    other.close();
    expect(await store.activeRevisionNumber()).toBe(9);
    await store.deleteMeta('gateway.instance.a');
    expect(await store.listMeta('gateway.instance.')).toEqual([]);
  });

  it('keeps the calls in order across a stop, a write included', async () => {
    await until(() => runningWriterThreads() === 0);
    // The first call starts the thread; the writes queue behind it, and the read behind them.
    const first = store.getMeta('order.0');
    const calls = Array.from({ length: 20 }, (_, index) => store.setMeta(`order.${index % 3}`, String(index)));
    const read = store.listMeta('order.');
    expect(await first).toBeUndefined();
    await Promise.all(calls);
    expect((await read).map((row) => row.value).sort()).toEqual(['17', '18', '19']);
  });

  it('refuses to start again on a deleted file rather than create an empty store there', async () => {
    await until(() => runningWriterThreads() === 0);
    await rm(dir, { recursive: true, force: true });
    await expect(store.getMeta('k')).rejects.toThrow(/gateway\.db was deleted while the gateway runs/);
    expect(existsSync(file)).toBe(false);
    expect(runningWriterThreads()).toBe(0);
  });
});

describe('the SQLite store whose file is deleted while its writer thread runs', () => {
  it('writes the whole database back to its path at close, what was written after the deletion included', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'amg-deleted-'));
    const file = join(dir, 'data', 'gateway.db');
    const { mkdir } = await import('node:fs/promises');
    await mkdir(join(dir, 'data'));
    // No idle stop: the thread, and its open file, stay until close.
    const store = await openSqliteStore(file);
    try {
      await store.setMeta('before', 'written before the deletion');
      await rm(join(dir, 'data'), { recursive: true, force: true });
      await store.setMeta('after', 'written after the deletion');
      expect(existsSync(file)).toBe(false);
      await store.close();
      expect(existsSync(file)).toBe(true);
      const copy = new Database(file, { readonly: true });
      const rows = copy.prepare('SELECT key, value FROM meta WHERE key IN (?, ?) ORDER BY key').all('after', 'before');
      copy.close();
      expect(rows).toEqual([
        { key: 'after', value: 'written after the deletion' },
        { key: 'before', value: 'written before the deletion' },
      ]);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('the idle writer thread of a store whose file was deleted', () => {
  it('keeps running, so that close can still write the store back', async () => {
    Object.assign(writerIdle, { stopAfterMs: 50, maxStopAfterMs: 200 });
    const dir = await mkdtemp(join(tmpdir(), 'amg-deleted-idle-'));
    const file = join(dir, 'gateway.db');
    await writeFile(file, '');
    const store = await openSqliteStore(file, { stopWhenIdle: true });
    try {
      await store.setMeta('before', 'written before the deletion');
      await rm(file);
      // Many idle waits long: the thread stays, its open file the only copy of the store.
      await new Promise((resolve) => setTimeout(resolve, 600));
      expect(runningWriterThreads()).toBe(1);
      await store.close();
      const copy = new Database(file, { readonly: true });
      expect(copy.prepare("SELECT value FROM meta WHERE key = 'before'").pluck().get()).toBe(
        'written before the deletion',
      );
      copy.close();
    } finally {
      Object.assign(writerIdle, defaults);
      await rm(dir, { recursive: true, force: true });
    }
  });
});
