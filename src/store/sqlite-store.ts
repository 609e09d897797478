import type BetterSqlite3 from 'better-sqlite3';
import type { Kysely } from 'kysely';
import type { RequestRecord } from '../telemetry/request-record.js';
import { KyselyStore, toRow } from './kysely-store.js';
import type { Database, RequestsTable } from './schema.js';

const COLUMNS: ReadonlyArray<keyof RequestsTable> = [
  'id',
  'time',
  'client',
  'entry_point',
  'method',
  'path',
  'stream',
  'requested_model',
  'provider',
  'upstream_model',
  'route_mode',
  'attempts',
  'status',
  'latency_ms',
  'ttfb_ms',
  'input_tokens',
  'output_tokens',
  'cached_tokens',
  'cache_write_tokens',
  'cost_usd',
  'error_code',
  'error_message',
  'config_revision',
  'dropped_fields',
];

/**
 * The SQLite store: every query through Kysely like the other stores, except the telemetry insert, which runs
 * thousands of times a second and so uses one prepared statement inside one transaction per batch (compiling
 * and preparing a multi-row INSERT per batch cost several times more).
 */
export class SqliteStore extends KyselyStore {
  private readonly insertBatch: (records: readonly RequestRecord[]) => void;

  constructor(db: Kysely<Database>, database: BetterSqlite3.Database) {
    super(db);
    const statement = database.prepare(
      `INSERT OR IGNORE INTO requests (${COLUMNS.join(', ')}) VALUES (${COLUMNS.map(() => '?').join(', ')})`,
    );
    this.insertBatch = database.transaction((records: readonly RequestRecord[]) => {
      for (const record of records) {
        const row = toRow(record);
        // Positional binding: ~15% cheaper per row than binding the object's named parameters.
        statement.run(COLUMNS.map((column) => row[column]));
      }
    });
  }

  override async insertRequests(records: readonly RequestRecord[]): Promise<void> {
    if (records.length > 0) this.insertBatch(records);
  }
}
