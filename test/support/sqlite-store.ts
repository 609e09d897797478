import { join } from 'node:path';
import Database from 'better-sqlite3';
import { Kysely, SqliteDialect } from 'kysely';
import { migrateToLatest } from '../../src/store/migrations.js';
import type { Database as Tables } from '../../src/store/schema.js';
import { SqliteStore } from '../../src/store/sqlite-store.js';

/** A SQLite store on this thread (no worker), for unit tests of the queries; `kysely` reaches the tables directly. */
export async function openTestStore(
  file = ':memory:',
  busyTimeoutMs = 5000,
): Promise<SqliteStore & { kysely: Kysely<Tables> }> {
  const database = new Database(file);
  database.pragma('journal_mode = WAL');
  database.pragma(`busy_timeout = ${busyTimeoutMs}`);
  const db = new Kysely<Tables>({ dialect: new SqliteDialect({ database }) });
  await migrateToLatest(db as Kysely<unknown>);
  return Object.assign(new SqliteStore(db, database), { kysely: db });
}

/**
 * Another process's hold on a gateway's store, as a second connection keeps it: `BEGIN IMMEDIATE` blocks its
 * writes (a full disk acts the same), `BEGIN EXCLUSIVE` its reads too. `release` commits and closes; it may be
 * called more than once.
 */
export function lockStore(dir: string, mode: 'IMMEDIATE' | 'EXCLUSIVE'): { readonly held: boolean; release(): void } {
  const locker = new Database(join(dir, 'gateway.db'));
  locker.exec(`BEGIN ${mode}`);
  return {
    get held() {
      return locker.open && locker.inTransaction;
    },
    release() {
      if (!locker.open) return;
      if (locker.inTransaction) locker.exec('COMMIT');
      locker.close();
    },
  };
}
