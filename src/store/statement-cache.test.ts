import Database from 'better-sqlite3';
import { Kysely, SqliteDialect, sql } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import { withStatementCache } from './statement-cache.js';

interface Tables {
  meta: { key: string; value: string };
}

describe('withStatementCache', () => {
  let db: Kysely<Tables> | undefined;
  afterEach(async () => {
    await db?.destroy();
  });

  function open(size?: number): { prepared: string[] } {
    const database = new Database(':memory:');
    const prepared: string[] = [];
    const prepare = database.prepare.bind(database);
    database.prepare = ((text: string) => {
      prepared.push(text);
      return prepare(text);
    }) as typeof database.prepare;
    db = new Kysely<Tables>({ dialect: new SqliteDialect({ database: withStatementCache(database, size) }) });
    return { prepared };
  }

  it('prepares a query the store runs again and again once, with each run seeing its own parameters', async () => {
    const { prepared } = open();
    await sql`CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)`.execute(db as Kysely<Tables>);
    for (let i = 0; i < 5; i++) {
      await (db as Kysely<Tables>)
        .insertInto('meta')
        .values({ key: `k${i}`, value: `v${i}` })
        .execute();
    }
    const values = [];
    for (let i = 0; i < 5; i++) {
      const row = await (db as Kysely<Tables>)
        .selectFrom('meta')
        .select('value')
        .where('key', '=', `k${i}`)
        .executeTakeFirst();
      values.push(row?.value);
    }
    expect(values).toEqual(['v0', 'v1', 'v2', 'v3', 'v4']);
    // The table, the insert and the select: three texts, three preparations for eleven queries.
    expect(prepared).toHaveLength(3);
  });

  it('keeps at most `size` statements, dropping the least recently used', async () => {
    const { prepared } = open(2);
    const one = sql`SELECT 1 AS n`;
    const two = sql`SELECT 2 AS n`;
    const three = sql`SELECT 3 AS n`;
    for (const query of [one, two, one, three, one, two]) await query.execute(db as Kysely<Tables>);
    // `two` was the least recently used when `three` came, so it is prepared again; `one` never is.
    expect(prepared).toEqual(['SELECT 1 AS n', 'SELECT 2 AS n', 'SELECT 3 AS n', 'SELECT 2 AS n']);
  });
});
