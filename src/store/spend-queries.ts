import type { Kysely } from 'kysely';
import type { Database } from './schema.js';

/** USD a client's requests cost since `since` (epoch ms), summed by the database: where a budget starts. */
export async function clientSpendSince(db: Kysely<Database>, client: string, since: number): Promise<number> {
  const row = await db
    .selectFrom('requests')
    .select((eb) => eb.fn.sum<number | string | null>('cost_usd').as('spent'))
    .where('client', '=', client)
    .where('time', '>=', since)
    .executeTakeFirst();
  return Number(row?.spent ?? 0);
}
