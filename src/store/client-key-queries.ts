import { type Kysely, type Selectable, sql } from 'kysely';
import type { KeyPolicy } from '../config/key-policy-schema.js';
import type { ClientKeysTable, Database } from './schema.js';
import type { ClientKey, ClientKeyChange, ClientKeyChanges, ClientKeySearch } from './store.js';

const numberOrNull = (value: number | string | null): number | null => (value === null ? null : Number(value));

export function clientKeyFromRow(row: Selectable<ClientKeysTable>): ClientKey {
  return {
    id: row.id,
    name: row.name,
    tokenSha256: row.token_sha256,
    prefix: row.prefix,
    createdAt: Number(row.created_at),
    expiresAt: numberOrNull(row.expires_at),
    revokedAt: numberOrNull(row.revoked_at),
    policy: row.policy ? (JSON.parse(row.policy) as KeyPolicy) : {},
    previousTokenSha256: row.previous_token_sha256,
    previousExpiresAt: numberOrNull(row.previous_expires_at),
  };
}

/** The active keys whose id or name this is (a scan by name runs on the writer thread, not the gateway loop). */
export async function activeClientKeys(db: Kysely<Database>, idOrName: string): Promise<ClientKey[]> {
  const rows = await db
    .selectFrom('client_keys')
    .selectAll()
    .where((eb) => eb.or([eb('id', '=', idOrName), eb('name', '=', idOrName)]))
    .where('revoked_at', 'is', null)
    .execute();
  return rows.map(clientKeyFromRow);
}

/** `text` as a LIKE pattern that matches it literally (`_` and `%` are common in names and tags). */
function literal(text: string): string {
  return text.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`);
}

/**
 * A page of keys in (name, id) order. Tags are found in the policy's JSON text: `"name":"` occurs there only as a
 * tag (every other string-valued field is an array element), and quotes inside values are escaped, so a pattern
 * built from JSON-encoded strings matches the tag exactly. Matching ignores (ASCII) case.
 */
export async function searchClientKeys(db: Kysely<Database>, search: ClientKeySearch): Promise<ClientKey[]> {
  const like = (column: string, pattern: string) => sql<boolean>`lower(${sql.ref(column)}) like ${pattern} escape '\\'`;
  let query = db.selectFrom('client_keys').selectAll().orderBy('name', 'asc').orderBy('id', 'asc').limit(search.limit);
  const { text, tag, status, after, now } = search;
  if (text) {
    query = query.where((eb) =>
      eb.or([like('name', `%${literal(text)}%`), like('prefix', `${literal(text)}%`), eb('id', '=', text)]),
    );
  }
  if (tag) {
    const encoded = `${JSON.stringify(tag.name)}:${tag.value === undefined ? '"' : JSON.stringify(tag.value)}`;
    query = query.where(like('policy', `%${literal(encoded)}%`));
  }
  if (status === 'revoked') query = query.where('revoked_at', 'is not', null);
  if (status === 'active') {
    query = query
      .where('revoked_at', 'is', null)
      .where((eb) => eb.or([eb('expires_at', 'is', null), eb('expires_at', '>', now)]));
  }
  if (status === 'expired') query = query.where('revoked_at', 'is', null).where('expires_at', '<=', now);
  if (after) {
    query = query.where((eb) =>
      eb.or([eb('name', '>', after.name), eb.and([eb('name', '=', after.name), eb('id', '>', after.id)])]),
    );
  }
  return (await query.execute()).map(clientKeyFromRow);
}

/** Keys in id order after `afterId`: a full reload reads them a page at a time. */
export async function listClientKeysPage(
  db: Kysely<Database>,
  afterId: string | null,
  limit: number,
): Promise<ClientKey[]> {
  let query = db.selectFrom('client_keys').selectAll().orderBy('id', 'asc').limit(limit);
  if (afterId !== null) query = query.where('id', '>', afterId);
  return (await query.execute()).map(clientKeyFromRow);
}

/** The newest entry of the change log (undefined before migration 0020's entry exists). */
export async function latestClientKeyChange(db: Kysely<Database>): Promise<ClientKeyChange | undefined> {
  const row = await db
    .selectFrom('client_key_changes')
    .select(['version', 'key_id', 'mark'])
    .orderBy('version', 'desc')
    .limit(1)
    .executeTakeFirst();
  return row && { version: Number(row.version), keyId: row.key_id, mark: row.mark };
}

/**
 * The log's entries from version `since` on (that one included, so the caller can check it is the one it
 * applied), at most `limit` + 1 of them, and the keys they name as they are now; no keys when there are more
 * entries than `limit` (the caller then reloads every key). A named key missing from `keys` was deleted.
 */
export async function clientKeyChanges(db: Kysely<Database>, since: number, limit: number): Promise<ClientKeyChanges> {
  const rows = await db
    .selectFrom('client_key_changes')
    .select(['version', 'key_id', 'mark'])
    .where('version', '>=', since)
    .orderBy('version', 'asc')
    .limit(limit + 1)
    .execute();
  const entries = rows.map((row) => ({ version: Number(row.version), keyId: row.key_id, mark: row.mark }));
  // The entry at `since` is the one the caller applied already: only the keys changed after it are read.
  const ids = [
    ...new Set(entries.flatMap((entry) => (entry.keyId === null || entry.version === since ? [] : [entry.keyId]))),
  ];
  if (entries.length > limit || ids.length === 0) return { entries, keys: [] };
  const keys = await db.selectFrom('client_keys').selectAll().where('id', 'in', ids).execute();
  return { entries, keys: keys.map(clientKeyFromRow) };
}

/** Rotated keys whose old token's grace period has run out by `now`. */
export async function listEndedGraces(db: Kysely<Database>, now: number): Promise<ClientKey[]> {
  const rows = await db
    .selectFrom('client_keys')
    .selectAll()
    .where('previous_token_sha256', 'is not', null)
    .where('previous_expires_at', '<=', now)
    .execute();
  return rows.map(clientKeyFromRow);
}
