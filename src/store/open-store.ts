import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, isAbsolute, resolve } from 'node:path';
import type { Store } from './store.js';
import { openSqliteStore, type SqliteStoreOptions } from './worker-store.js';

export interface StorageLocation {
  kind: 'sqlite';
  /** Absolute file path, or ":memory:". */
  file: string;
}

/** Parses the config's `storage:` value; relative SQLite paths resolve against the config file's directory. */
export function parseStorageUrl(url: string, baseDir: string): StorageLocation {
  if (url.startsWith('sqlite:')) {
    const path = url.slice('sqlite:'.length).replace(/^\/\//, '');
    if (path === ':memory:') return { kind: 'sqlite', file: path };
    if (!path) throw new Error('storage: sqlite: needs a file path, e.g. sqlite:./data/gateway.db');
    return { kind: 'sqlite', file: isAbsolute(path) ? path : resolve(baseDir, path) };
  }
  if (url.startsWith('postgres://') || url.startsWith('postgresql://')) {
    throw new Error('storage: PostgreSQL is not supported yet; use sqlite:<file>');
  }
  throw new Error(`storage: unsupported storage URL "${url}"; use sqlite:<file>`);
}

/**
 * Opens the store, creating its directory (mode 0700) and database file (0600) when they do not exist: they hold
 * token hashes, request logs and encrypted secrets. SQLite gives the WAL and shared-memory files the database
 * file's mode. Existing files keep theirs.
 */
export async function openStore(location: StorageLocation, options: SqliteStoreOptions = {}): Promise<Store> {
  if (location.file !== ':memory:') {
    await mkdir(dirname(location.file), { recursive: true, mode: 0o700 });
    await writeFile(location.file, '', { flag: 'a', mode: 0o600 });
  }
  return openSqliteStore(location.file, options);
}
