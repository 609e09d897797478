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
