import { type Kysely, PostgresAdapter, sql } from 'kysely';

/**
 * How many changes the client keys' change log keeps. A gateway checks every 2 s, so it is never that far
 * behind unless it was stopped (and then it reloads every key at start anyway); one that is gets told so by a
 * gap in the log and reloads every key.
 */
export const KEPT_CHANGES = 10_000;

/** Columns whose change can change who a token belongs to or what it may do (as migration 0017's triggers). */
const CLIENT_KEY_COLUMNS = [
  'id',
  'name',
  'token_sha256',
  'created_at',
  'expires_at',
  'revoked_at',
  'policy',
  'previous_token_sha256',
  'previous_expires_at',
];

/**
 * Migration 0020: a log of which client key changed at which counter value, so that a gateway reads only the
 * keys changed since the version it applied (issue 16: a full reload of 10,000 keys stalled every gateway's
 * event loop for each single key created, rotated or revoked anywhere).
 *
 * The client keys' triggers of migration 0017 are replaced by ones that, in the writing transaction, move the
 * counter by one per changed row and log `(counter, key id, random mark)`: one entry per version (an entry
 * without a key id means "reload every key"). Writers of one store serialise on the counter's row, so versions
 * are in commit order. The mark lets a reader
 * tell that the entry it last applied is still the one in the store: after a restore from a backup the same
 * version may exist with another mark (or not at all), and the reader must reload everything.
 *
 * A row at the current counter value is written now, so the log's newest entry is always the counter's value.
 */
export async function createClientKeyLog(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('client_key_changes')
    .addColumn('version', 'bigint', (c) => c.notNull())
    .addColumn('key_id', 'text')
    .addColumn('mark', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('client_key_changes_version').on('client_key_changes').column('version').execute();
  if (db.getExecutor().adapter instanceof PostgresAdapter) await postgresTriggers(db);
  else await sqliteTriggers(db);
  await sql`INSERT INTO client_key_changes (version, key_id, mark)
    SELECT version, NULL, ${randomMark()} FROM credential_versions WHERE table_name = 'client_keys'`.execute(db);
}

function randomMark(): string {
  return crypto.randomUUID();
}

const COUNTER = `(SELECT version FROM credential_versions WHERE table_name = 'client_keys')`;

async function sqliteTriggers(db: Kysely<unknown>): Promise<void> {
  const bump = `UPDATE credential_versions SET version = version + 1 WHERE table_name = 'client_keys';`;
  const logRow = (id: string) =>
    `INSERT INTO client_key_changes (version, key_id, mark) VALUES (${COUNTER}, ${id}, lower(hex(randomblob(16))));`;
  const prune = `DELETE FROM client_key_changes WHERE version <= ${COUNTER} - ${KEPT_CHANGES};`;
  const bodies = {
    insert: ['INSERT', `${bump} ${logRow('NEW.id')}`],
    delete: ['DELETE', `${bump} ${logRow('OLD.id')}`],
    // An id never changes; if one did, the entry names no key, which tells readers to reload every key.
    update: [
      `UPDATE OF ${CLIENT_KEY_COLUMNS.join(', ')}`,
      `${bump} ${logRow('CASE WHEN OLD.id IS NEW.id THEN NEW.id END')}`,
    ],
  };
  for (const [name, [event, body]] of Object.entries(bodies)) {
    await sql.raw(`DROP TRIGGER IF EXISTS client_keys_version_${name}`).execute(db);
    await sql
      .raw(
        `CREATE TRIGGER client_keys_version_${name} AFTER ${event} ON client_keys FOR EACH ROW BEGIN ${body} ${prune} END`,
      )
      .execute(db);
  }
}

async function postgresTriggers(db: Kysely<unknown>): Promise<void> {
  for (const name of ['insert', 'delete', 'update']) {
    await sql.raw(`DROP TRIGGER IF EXISTS client_keys_version_${name} ON client_keys`).execute(db);
  }
  await sql.raw('DROP FUNCTION IF EXISTS client_keys_bump_version()').execute(db);
  await sql
    .raw(`CREATE FUNCTION client_keys_log_change() RETURNS trigger LANGUAGE plpgsql AS $$
      DECLARE v bigint;
      BEGIN
        UPDATE credential_versions SET version = version + 1 WHERE table_name = 'client_keys' RETURNING version INTO v;
        INSERT INTO client_key_changes (version, key_id, mark) VALUES (v,
          CASE TG_OP WHEN 'INSERT' THEN NEW.id WHEN 'DELETE' THEN OLD.id
            ELSE CASE WHEN OLD.id IS NOT DISTINCT FROM NEW.id THEN NEW.id END END,
          md5(random()::text || clock_timestamp()::text));
        DELETE FROM client_key_changes WHERE version <= v - ${KEPT_CHANGES};
        RETURN NULL;
      END $$`)
    .execute(db);
  const events = { insert: 'INSERT', delete: 'DELETE', update: `UPDATE OF ${CLIENT_KEY_COLUMNS.join(', ')}` };
  for (const [name, event] of Object.entries(events)) {
    await sql
      .raw(
        `CREATE TRIGGER client_keys_version_${name} AFTER ${event} ON client_keys FOR EACH ROW EXECUTE FUNCTION client_keys_log_change()`,
      )
      .execute(db);
  }
}
