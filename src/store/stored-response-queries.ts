import type { Kysely, Selectable } from 'kysely';
import type { Database, StoredResponsesTable } from './schema.js';
import { type StoredResponse, storedItemsText } from './store.js';

/** Queries behind the Store's stored-response methods; JSON is encoded and decoded here, on the store's thread. */

function fromRow(row: Selectable<StoredResponsesTable>): StoredResponse {
  return {
    id: row.id,
    clientScope: row.client_scope,
    createdAt: Number(row.created_at),
    previousResponseId: row.previous_response_id,
    response: JSON.parse(row.response) as StoredResponse['response'],
    inputItems: JSON.parse(row.input_items) as StoredResponse['inputItems'],
  };
}

const INSERT_CHUNK = 100;

export async function insertStoredResponses(db: Kysely<Database>, responses: readonly StoredResponse[]): Promise<void> {
  if (responses.length === 0) return;
  await db.transaction().execute(async (trx) => {
    for (let i = 0; i < responses.length; i += INSERT_CHUNK) {
      const rows = responses.slice(i, i + INSERT_CHUNK).map((response) => ({
        id: response.id,
        client_scope: response.clientScope,
        created_at: response.createdAt,
        previous_response_id: response.previousResponseId,
        response: JSON.stringify(response.response),
        input_items: storedItemsText(response.inputItems),
      }));
      await trx
        .insertInto('stored_responses')
        .values(rows)
        .onConflict((oc) => oc.column('id').doNothing())
        .execute();
    }
  });
}

export async function getStoredResponse(
  db: Kysely<Database>,
  id: string,
  clientScope: string,
): Promise<StoredResponse | undefined> {
  const row = await db
    .selectFrom('stored_responses')
    .selectAll()
    .where('id', '=', id)
    .where('client_scope', '=', clientScope)
    .executeTakeFirst();
  return row ? fromRow(row) : undefined;
}

export async function deleteStoredResponse(db: Kysely<Database>, id: string, clientScope: string): Promise<boolean> {
  const result = await db
    .deleteFrom('stored_responses')
    .where('id', '=', id)
    .where('client_scope', '=', clientScope)
    .executeTakeFirst();
  return Number(result.numDeletedRows) > 0;
}

export async function deleteStoredResponsesBefore(
  db: Kysely<Database>,
  before: number,
  limit: number,
): Promise<number> {
  const oldest = db.selectFrom('stored_responses').select('id').where('created_at', '<', before).limit(limit);
  const result = await db.deleteFrom('stored_responses').where('id', 'in', oldest).executeTakeFirst();
  return Number(result.numDeletedRows);
}
