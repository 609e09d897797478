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
