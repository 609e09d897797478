import { type Kysely, type Migration, type MigrationProvider, Migrator, PostgresAdapter, sql } from 'kysely';
import { USAGE_SUMS } from '../telemetry/rollup.js';
import { createClientKeyLog } from './client-key-log.js';
import { backfillRollupGrain } from './rollup-backfill.js';
import { HISTOGRAM_COLUMNS, ROLLUP_TABLES, type RollupTableName } from './rollup-columns.js';
import type { Database } from './schema.js';
import { USAGE_ROLLUPS_SINCE } from './usage-queries.js';

/**
 * One ordered list of migrations for every store dialect. Column types stay within what both SQLite and
 * PostgreSQL accept (bigint for epoch-ms times, double precision for fractions).
 */
const migrations: Record<string, Migration> = {
  '0001_core': {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable('requests')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('time', 'bigint', (c) => c.notNull())
        .addColumn('client', 'text')
        .addColumn('entry_point', 'text', (c) => c.notNull())
        .addColumn('method', 'text', (c) => c.notNull())
        .addColumn('path', 'text', (c) => c.notNull())
        .addColumn('stream', 'integer', (c) => c.notNull())
        .addColumn('requested_model', 'text')
        .addColumn('provider', 'text')
        .addColumn('upstream_model', 'text')
        .addColumn('route_mode', 'text', (c) => c.notNull())
        .addColumn('attempts', 'text', (c) => c.notNull())
        .addColumn('status', 'integer', (c) => c.notNull())
        .addColumn('latency_ms', 'double precision', (c) => c.notNull())
        .addColumn('ttfb_ms', 'double precision')
        .addColumn('input_tokens', 'integer')
        .addColumn('output_tokens', 'integer')
        .addColumn('cached_tokens', 'integer')
        .addColumn('cache_write_tokens', 'integer')
        .addColumn('cost_usd', 'double precision')
        .addColumn('error_code', 'text')
        .addColumn('error_message', 'text')
        .addColumn('config_revision', 'integer')
        .execute();
      await db.schema.createIndex('requests_time').on('requests').column('time').execute();

      await db.schema
        .createTable('client_keys')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('token_sha256', 'text', (c) => c.notNull().unique())
        .addColumn('prefix', 'text', (c) => c.notNull())
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addColumn('expires_at', 'bigint')
        .addColumn('revoked_at', 'bigint')
        .execute();

      await db.schema
        .createTable('admin_tokens')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('role', 'text', (c) => c.notNull())
        .addColumn('token_sha256', 'text', (c) => c.notNull().unique())
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addColumn('revoked_at', 'bigint')
        .execute();

      await db.schema
        .createTable('meta')
        .addColumn('key', 'text', (c) => c.primaryKey())
        .addColumn('value', 'text', (c) => c.notNull())
        .execute();
    },
  },
  '0002_config_safety': {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable('config_revisions')
        .addColumn('number', 'integer', (c) => c.primaryKey())
        .addColumn('content', 'text', (c) => c.notNull())
        .addColumn('content_sha256', 'text', (c) => c.notNull())
        .addColumn('author', 'text', (c) => c.notNull())
        .addColumn('message', 'text', (c) => c.notNull())
        .addColumn('source', 'text', (c) => c.notNull())
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addColumn('parent', 'integer')
        .addColumn('restored_from', 'integer')
        .addColumn('guard', 'text')
        .addColumn('guard_state', 'text')
        .addColumn('guard_detail', 'text')
        .execute();
      await db.schema
        .createIndex('config_revisions_source')
        .on('config_revisions')
        .columns(['source', 'number'])
        .execute();

      // seq is assigned by the writer as last + 1 (not auto-increment), so two writers racing for the same
      // place in the chain collide on the primary key instead of forking the chain.
      await db.schema
        .createTable('audit_log')
        .addColumn('seq', 'integer', (c) => c.primaryKey())
        .addColumn('time', 'bigint', (c) => c.notNull())
        .addColumn('actor', 'text', (c) => c.notNull())
        .addColumn('role', 'text')
        .addColumn('origin', 'text', (c) => c.notNull())
        .addColumn('action', 'text', (c) => c.notNull())
        .addColumn('target', 'text')
        .addColumn('outcome', 'text', (c) => c.notNull())
        .addColumn('detail', 'text', (c) => c.notNull())
        .addColumn('prev_hash', 'text', (c) => c.notNull())
        .addColumn('hash', 'text', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('audit_log_time').on('audit_log').column('time').execute();
    },
  },
  '0010_dropped_fields': {
    async up(db: Kysely<unknown>) {
      // The hints a translated request lost (x-gateway-dropped), as a JSON array; null when none was dropped.
      await db.schema.alterTable('requests').addColumn('dropped_fields', 'text').execute();
    },
  },
  '0011_stored_responses': {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable('stored_responses')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('client_scope', 'text', (c) => c.notNull())
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addColumn('previous_response_id', 'text')
        .addColumn('response', 'text', (c) => c.notNull())
        .addColumn('input_items', 'text', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('stored_responses_created').on('stored_responses').column('created_at').execute();
    },
  },
  '0014_admin_ui': {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable('admin_users')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('name', 'text', (c) => c.notNull().unique())
        .addColumn('role', 'text', (c) => c.notNull())
        .addColumn('password_hash', 'text', (c) => c.notNull())
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .execute();
      await db.schema
        .createTable('admin_sessions')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('token_sha256', 'text', (c) => c.notNull().unique())
        .addColumn('subject_kind', 'text', (c) => c.notNull())
        .addColumn('subject_id', 'text', (c) => c.notNull())
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('role', 'text', (c) => c.notNull())
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addColumn('last_seen_at', 'bigint', (c) => c.notNull())
        .addColumn('expires_at', 'bigint', (c) => c.notNull())
        .addColumn('revoked_at', 'bigint')
        .addColumn('origin', 'text', (c) => c.notNull())
        .addColumn('user_agent', 'text')
        .execute();
      // "Who sent this?" pages the request log by client; without an index a rare client scans the whole log.
      await db.schema.createIndex('requests_client_id').on('requests').columns(['client', 'id']).execute();
      await createRollupTables(db, ['rollup_minute', 'rollup_hour']);
    },
  },
  // Coarser grains so a chart merges at most a few thousand rows whatever its range (see rollup.ts).
  '0018_rollup_grains': {
    async up(db: Kysely<unknown>) {
      await createRollupTables(db, ['rollup_ten_minutes', 'rollup_six_hours', 'rollup_day']);
      const typed = db as unknown as Kysely<Database>;
      await backfillRollupGrain(typed, 'rollup_minute', 'rollup_ten_minutes', 600_000);
      await backfillRollupGrain(typed, 'rollup_hour', 'rollup_six_hours', 21_600_000);
      await backfillRollupGrain(typed, 'rollup_hour', 'rollup_day', 86_400_000);
    },
  },
  '0015_usage_fields': {
    async up(db: Kysely<unknown>) {
      // Usage reports by key and by tag (tags as a JSON object of the key's tags when the request was made),
      // reasoning tokens apart from the output they are part of, and whether the counts were the gateway's own
      // estimate (a stream abandoned before the upstream reported usage).
      await db.schema.alterTable('requests').addColumn('key_id', 'text').execute();
      await db.schema.alterTable('requests').addColumn('client_tags', 'text').execute();
      await db.schema.alterTable('requests').addColumn('reasoning_tokens', 'integer').execute();
      await db.schema.alterTable('requests').addColumn('usage_estimated', 'integer').execute();
    },
  },
  '0016_client_key_limits': {
    async up(db: Kysely<unknown>) {
      // A key's models, limits, budgets and tags as one JSON document, and the token a rotation replaced
      // (valid until its grace period ends).
      await db.schema.alterTable('client_keys').addColumn('policy', 'text').execute();
      await db.schema.alterTable('client_keys').addColumn('previous_token_sha256', 'text').execute();
      await db.schema.alterTable('client_keys').addColumn('previous_expires_at', 'bigint').execute();
    },
  },
  '0017_credential_versions': {
    async up(db: Kysely<unknown>) {
      // A change counter per credential table, moved by triggers in the writing transaction (whichever process
      // writes: this gateway, another one, the `amg` CLI), so that the periodic reload asks for two numbers and
      // lists a table only when its number moved (issue 16: listing and compiling thousands of keys every few
      // seconds stalled the main thread).
      await db.schema
        .createTable('credential_versions')
        .addColumn('table_name', 'text', (c) => c.primaryKey())
        .addColumn('version', 'bigint', (c) => c.notNull())
        .execute();
      for (const [table, columns] of Object.entries(CREDENTIAL_COLUMNS)) {
        await sql`INSERT INTO credential_versions (table_name, version) VALUES (${table}, 0)`.execute(db);
        await createVersionTriggers(db, table, columns);
      }
    },
  },
  '0019_pruned_spend': {
    async up(db: Kysely<unknown>) {
      // The cost of request records that retention deleted, per client and quarter hour, so a budget that began
      // before the retention window (a total, a month longer than it) still counts that spend after a restart.
      await db.schema
        .createTable('pruned_spend')
        .addColumn('client', 'text', (c) => c.notNull())
        .addColumn('key_id', 'text', (c) => c.notNull())
        .addColumn('bucket', 'bigint', (c) => c.notNull())
        .addColumn('cost_usd', 'double precision', (c) => c.notNull())
        .addPrimaryKeyConstraint('pruned_spend_pk', ['client', 'key_id', 'bucket'])
        .execute();
    },
  },
  // Which client key changed at which counter value, so a gateway reads only those (see client-key-log.ts).
  '0020_client_key_changes': {
    up: createClientKeyLog,
  },
  // Once the request log's (key, id) indexes for its latency, cost and tokens orders. Every telemetry insert had to
  // maintain all three on the writer thread, which shares the gateway's core: 10.9 -> 19 us of CPU a record,
  // ~5% of a passthrough request. The orders now sort the filtered rows (request-log-queries.ts) instead.
  '0021_request_log_order': {
    async up() {},
  },
  '0022_request_log_order_indexes_dropped': {
    async up(db: Kysely<unknown>) {
      for (const sort of ['latency', 'cost', 'tokens'])
        await db.schema.dropIndex(`requests_${sort}_id`).ifExists().execute();
    },
  },
  // The usage report's remaining sums on every rollup row, so a report sums rollups rather than every request of
  // its window (100k requests were 200-300 ms of the store's thread). Rows written before hold 0: `meta`'s
  // usage_rollups_since says from when they count (0 for a store that had counted nothing yet).
  '0023_usage_rollup_sums': {
    async up(db: Kysely<unknown>) {
      for (const table of ROLLUP_TABLES) {
        for (const column of USAGE_SUMS) {
          await db.schema
            .alterTable(table)
            .addColumn(column, 'bigint', (c) => c.notNull().defaultTo(0))
            .execute();
        }
      }
      const typed = db as unknown as Kysely<Database>;
      let counted = (await typed.selectFrom('requests').select('time').limit(1).executeTakeFirst()) !== undefined;
      for (const table of ROLLUP_TABLES) {
        counted ||= (await typed.selectFrom(table).select('bucket').limit(1).executeTakeFirst()) !== undefined;
      }
      const since = counted ? Date.now() : 0;
      await typed
        .insertInto('meta')
        .values({ key: USAGE_ROLLUPS_SINCE, value: String(since) })
        .onConflict((oc) => oc.column('key').doNothing())
        .execute();
    },
  },
};

/**
 * The columns whose change can change who a token belongs to or what it may do: an UPDATE of these moves the
 * table's counter; an UPDATE of any other column (the display prefix, or usage columns added later) does not.
 * A column added later that matters to authentication or policy must be added here, in a new migration.
 */
const CREDENTIAL_COLUMNS: Record<string, readonly string[]> = {
  client_keys: [
    'id',
    'name',
    'token_sha256',
    'created_at',
    'expires_at',
    'revoked_at',
    'policy',
    'previous_token_sha256',
    'previous_expires_at',
  ],
  admin_tokens: ['id', 'name', 'role', 'token_sha256', 'revoked_at'],
};

/** Triggers that add one to `credential_versions` for `table` on INSERT, DELETE and UPDATE OF `columns`. */
async function createVersionTriggers(db: Kysely<unknown>, table: string, columns: readonly string[]): Promise<void> {
  const bump = `UPDATE credential_versions SET version = version + 1 WHERE table_name = '${table}'`;
  const events = { insert: 'INSERT', delete: 'DELETE', update: `UPDATE OF ${columns.join(', ')}` };
  if (db.getExecutor().adapter instanceof PostgresAdapter) {
    await sql
      .raw(
        `CREATE FUNCTION ${table}_bump_version() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN ${bump}; RETURN NULL; END $$`,
      )
      .execute(db);
    for (const [name, event] of Object.entries(events)) {
      await sql
        .raw(
          `CREATE TRIGGER ${table}_version_${name} AFTER ${event} ON ${table} FOR EACH STATEMENT EXECUTE FUNCTION ${table}_bump_version()`,
        )
        .execute(db);
    }
    return;
  }
  for (const [name, event] of Object.entries(events)) {
    await sql
      .raw(`CREATE TRIGGER ${table}_version_${name} AFTER ${event} ON ${table} FOR EACH ROW BEGIN ${bump}; END`)
      .execute(db);
  }
}

/** Packed histograms are bytes: `blob` in SQLite, `bytea` in PostgreSQL (which has no `blob`). */
function bytesType(db: Kysely<unknown>) {
  return db.getExecutor().adapter instanceof PostgresAdapter ? sql`bytea` : sql`blob`;
}

/**
 * A rollup table: one row per time bucket, dimension and value. The key leads with the dimension and then the
 * time, the order a chart's query filters in (one dimension, a time range), so it reads one contiguous range.
 * Retention's hourly delete by time alone scans the table instead: cheaper than a second index every write updates.
 */
async function createRollupTables(db: Kysely<unknown>, tables: readonly RollupTableName[]): Promise<void> {
  for (const table of tables) {
    let create = db.schema
      .createTable(table)
      .addColumn('bucket', 'bigint', (c) => c.notNull())
      .addColumn('dimension', 'text', (c) => c.notNull())
      .addColumn('value', 'text', (c) => c.notNull())
      .addColumn('requests', 'bigint', (c) => c.notNull())
      .addColumn('errors', 'bigint', (c) => c.notNull())
      .addColumn('input_tokens', 'bigint', (c) => c.notNull())
      .addColumn('output_tokens', 'bigint', (c) => c.notNull())
      .addColumn('cost_usd', 'double precision', (c) => c.notNull())
      .addColumn('latency_sum', 'double precision', (c) => c.notNull())
      .addColumn('ttft_count', 'bigint', (c) => c.notNull())
      .addColumn('ttft_sum', 'double precision', (c) => c.notNull());
    for (const column of HISTOGRAM_COLUMNS) {
      create = create.addColumn(column, bytesType(db), (c) => c.notNull());
    }
    await create.addPrimaryKeyConstraint(`${table}_key`, ['dimension', 'bucket', 'value'] as never).execute();
  }
}

const provider: MigrationProvider = { getMigrations: async () => migrations };

export async function migrateToLatest(db: Kysely<unknown>): Promise<void> {
  const migrator = new Migrator({
    db,
    provider,
    migrationTableName: 'amg_migrations',
    migrationLockTableName: 'amg_migrations_lock',
    // Migrations are independent of each other, and numbers were taken in parallel: a database that has
    // 0018 takes 0017 when it arrives rather than refusing to start.
    allowUnorderedMigrations: true,
  });
  const { error, results } = await migrator.migrateToLatest();
  const failed = results?.find((r) => r.status === 'Error');
  if (error || failed) {
    throw new Error(`database migration ${failed?.migrationName ?? ''} failed: ${String(error)}`, { cause: error });
  }
}
