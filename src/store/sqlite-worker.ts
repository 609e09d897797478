import { parentPort, workerData } from 'node:worker_threads';
import Database from 'better-sqlite3';
import { Kysely, SqliteDialect } from 'kysely';
import { migrateToLatest } from './migrations.js';
import type { Database as Tables } from './schema.js';
import { SqliteStore } from './sqlite-store.js';
import { withStatementCache } from './statement-cache.js';
import type { Store, StoreMethod } from './store.js';
import { currentThreadId, lowerThreadPriority, WRITER_NICE_STEPS } from './thread-priority.js';
import { decodeCall, type WorkerMessage } from './worker-message.js';
import type { WorkerReply } from './worker-protocol.js';

/** The connection's page cache in KiB (see `main`). */
const CACHE_KIB = 2_000;

/**
 * Owns the SQLite connection on its own thread, so that no SQLite call (they are all synchronous in
 * better-sqlite3) ever blocks the event loop that serves traffic.
 */
async function main(): Promise<void> {
  const port = parentPort;
  if (!port) throw new Error('sqlite-worker must run in a worker thread');
  // `reopen`: started again after stopping when idle; the file exists and must not be created anew.
  const { file, reopen } = workerData as { file: string; reopen?: boolean };
  // Batch work: it yields the core to the thread that serves requests (./thread-priority.ts).
  lowerThreadPriority(currentThreadId(), WRITER_NICE_STEPS);
  let store: Store;
  try {
    const database = new Database(file, { fileMustExist: reopen === true });
    database.pragma('journal_mode = WAL');
    database.pragma('synchronous = NORMAL');
    database.pragma('busy_timeout = 5000');
    database.pragma('foreign_keys = ON');
    // better-sqlite3 builds SQLite with a 16 MB page cache per connection (SQLITE_DEFAULT_CACHE_SIZE=-16000,
    // eight times SQLite's own default). Under traffic the telemetry inserts filled it as the database grew:
    // ~15 MB of the writer's malloc after 30 s at 50 connections, kept for the life of the process (issue 14).
    // Inserts touch only the right edge of each table and index, which a small cache holds; a page it misses is
    // read back from the OS's file cache. SQLite's own default, 2 MB (2,000 KiB):
    database.pragma(`cache_size = -${CACHE_KIB}`);
    const db = new Kysely<Tables>({ dialect: new SqliteDialect({ database: withStatementCache(database) }) });
    // Migrating takes and releases Kysely's migration lock, two commits that would tell the main thread's
    // ChangeProbe the database changed each time the thread starts again; the first start migrated it.
    if (!reopen) await migrateToLatest(db as Kysely<unknown>);
    store = new SqliteStore(db, database);
  } catch (error) {
    port.postMessage(JSON.stringify({ id: 0, error: { message: (error as Error).message } } satisfies WorkerReply));
    return;
  }
  port.postMessage(JSON.stringify({ id: 0, result: 'ready' } satisfies WorkerReply));

  port.on('message', async (message: WorkerMessage) => {
    const call = decodeCall(message);
    try {
      const method = store[call.method as StoreMethod | 'close'] as (...args: unknown[]) => Promise<unknown>;
      const result = await method.apply(store, call.args);
      port.postMessage(JSON.stringify({ id: call.id, result } satisfies WorkerReply));
      if (call.method === 'close') port.close();
    } catch (error) {
      const { message, code } = error as Error & { code?: string };
      port.postMessage(JSON.stringify({ id: call.id, error: { message, code } } satisfies WorkerReply));
    }
  });
}

void main();
