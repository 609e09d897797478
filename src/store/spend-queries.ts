import type { Kysely } from 'kysely';
import type { Database, PrunedSpendTable } from './schema.js';

/** The grain pruned spend is kept at: every budget period (a zone's day or month) begins on a quarter hour. */
export const SPEND_BUCKET_MS = 900_000;
/** Rows per statement when moving a chunk: well below SQLite's bound on bound parameters. */
const SLICE = 500;

/**
 * USD a client's requests cost since `since` (epoch ms), summed by the database: where a budget starts. A store
 * key's requests are told apart by its id (`keyId`), a config client's by having none, since a name alone may
 * have been a revoked key's, or belong to a config client and a key at once. The name keeps the client index.
 * Requests that retention deleted count from their quarter-hour sums (see deleteRequestsKeepingSpend): a total
 * budget, or a month longer than the retention window, is not reset by a restart once the records are gone.
 */
export async function clientSpendSince(
  db: Kysely<Database>,
  client: string,
  keyId: string | null,
  since: number,
): Promise<number> {
  const row = await db
    .selectFrom('requests')
    .select((eb) => eb.fn.sum<number | string | null>('cost_usd').as('spent'))
    .where('client', '=', client)
    .where('key_id', keyId === null ? 'is' : '=', keyId)
    .where('time', '>=', since)
    .executeTakeFirst();
  // The quarter hour that holds `since` counts whole: a period starts on one, and a key's total budget starts
  // at its creation, before any request of its own.
  const pruned = await db
    .selectFrom('pruned_spend')
    .select((eb) => eb.fn.sum<number | string | null>('cost_usd').as('spent'))
    .where('client', '=', client)
    .where('key_id', '=', keyId ?? '')
    .where('bucket', '>=', since - (since % SPEND_BUCKET_MS))
    .executeTakeFirst();
  return Number(row?.spent ?? 0) + Number(pruned?.spent ?? 0);
}

/**
 * Deletes up to `limit` request records older than `before` (retention), adding their cost to the client's
 * quarter-hour sums in the same transaction, so no spend is lost or counted twice. Resolves with how many went.
 */
export function deleteRequestsKeepingSpend(db: Kysely<Database>, before: number, limit: number): Promise<number> {
  return db.transaction().execute(async (trx) => {
    const rows = await trx
      .selectFrom('requests')
      .select(['id', 'client', 'key_id', 'time', 'cost_usd'])
      .where('time', '<', before)
      .limit(limit)
      .execute();
    const sums = new Map<string, PrunedSpendTable>();
    for (const row of rows) {
      if (row.client === null || !row.cost_usd) continue;
      const time = Number(row.time);
      const spend = { client: row.client, key_id: row.key_id ?? '', bucket: time - (time % SPEND_BUCKET_MS) };
      const id = JSON.stringify(spend);
      const sum = sums.get(id);
      if (sum) sum.cost_usd += row.cost_usd;
      else sums.set(id, { ...spend, cost_usd: row.cost_usd });
    }
    const values = [...sums.values()];
    for (let i = 0; i < values.length; i += SLICE) {
      await trx
        .insertInto('pruned_spend')
        .values(values.slice(i, i + SLICE))
        .onConflict((oc) =>
          oc
            .columns(['client', 'key_id', 'bucket'])
            .doUpdateSet((eb) => ({ cost_usd: eb('pruned_spend.cost_usd', '+', eb.ref('excluded.cost_usd')) })),
        )
        .execute();
    }
    for (let i = 0; i < rows.length; i += SLICE) {
      const ids = rows.slice(i, i + SLICE).map((row) => row.id);
      await trx.deleteFrom('requests').where('id', 'in', ids).execute();
    }
    return rows.length;
  });
}
