import type BetterSqlite3 from 'better-sqlite3';
import type { SqliteDatabase } from 'kysely';

/** How many distinct SQL texts keep their prepared statement (the store's fixed queries are a few dozen). */
export const CACHED_STATEMENTS = 128;

/**
 * The SQLite connection as Kysely sees it, with each SQL text prepared once per connection. Kysely's SQLite
 * driver prepares every query it runs, and the writer thread runs the same few on timers (the revision poll every
 * 3 s, the credential check every 2 s, this gateway's report every 5 s), each a parse and plan of ~40k
 * instructions on the thread that shares a core with the event loop. better-sqlite3 runs a statement to its end
 * and resets it within each call, so one statement serves every call of its text; Kysely's streaming (`iterate`)
 * would hold it across calls, and nothing in the store streams. Least recently used texts beyond
 * CACHED_STATEMENTS are dropped (queries with a varying number of parameters make new texts).
 */
export function withStatementCache(database: BetterSqlite3.Database, size = CACHED_STATEMENTS): SqliteDatabase {
  const statements = new Map<string, BetterSqlite3.Statement>();
  return {
    close: () => {
      statements.clear();
      database.close();
    },
    prepare(sql: string) {
      let statement = statements.get(sql);
      if (statement) {
        statements.delete(sql);
      } else {
        statement = database.prepare(sql);
        if (statements.size >= size) statements.delete(statements.keys().next().value as string);
      }
      statements.set(sql, statement);
      return statement;
    },
  };
}
