import type { Kysely } from 'kysely';
import type { Database } from './schema.js';

/**
 * USD a client's requests cost since `since` (epoch ms), summed by the database: where a budget starts. A store
 * key's requests are told apart by its id (`keyId`), a config client's by having none, since a name alone may
 * have been a revoked key's, or belong to a config client and a key at once. The name keeps the client index.
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
  return Number(row?.spent ?? 0);
}
