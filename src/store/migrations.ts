import { type Kysely, type Migration, type MigrationProvider, Migrator } from 'kysely';

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
};

const provider: MigrationProvider = { getMigrations: async () => migrations };

export async function migrateToLatest(db: Kysely<unknown>): Promise<void> {
  const migrator = new Migrator({
    db,
    provider,
    migrationTableName: 'amg_migrations',
    migrationLockTableName: 'amg_migrations_lock',
  });
  const { error, results } = await migrator.migrateToLatest();
  const failed = results?.find((r) => r.status === 'Error');
  if (error || failed) {
    throw new Error(`database migration ${failed?.migrationName ?? ''} failed: ${String(error)}`, { cause: error });
  }
}
