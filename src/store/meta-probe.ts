import Database from 'better-sqlite3';
import { Kysely, SqliteDialect } from 'kysely';
import { KyselyStore } from './kysely-store.js';
import type { Database as Tables } from './schema.js';
import { StoreBusy } from './store-busy.js';

/**
 * The `meta` rows under `prefix`, read on a read-only connection that waits at most `busyMs` for a lock: for a
 * CLI's quick look (where do the gateways on this store listen?), which must not open the store as the gateway
 * does (migrations take a write lock) nor wait out the gateway's 5 s busy timeout behind another process. A
 * store that is locked longer fails with StoreBusy.
 */
export async function readMetaQuickly(
  file: string,
  prefix: string,
  busyMs = 250,
): Promise<Array<{ key: string; value: string }>> {
  const database = new Database(file, { readonly: true, fileMustExist: true, timeout: busyMs });
  const db = new Kysely<Tables>({ dialect: new SqliteDialect({ database }) });
  try {
    // The store's own query, on this connection: nothing here migrates or writes.
    return await new KyselyStore(db).listMeta(prefix);
  } catch (error) {
    if ((error as { code?: string }).code?.startsWith('SQLITE_BUSY')) throw new StoreBusy(file);
    throw error;
  } finally {
    await db.destroy();
  }
}
