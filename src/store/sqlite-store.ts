import type BetterSqlite3 from 'better-sqlite3';
import type { Kysely } from 'kysely';
import { emptyHistogram } from '../telemetry/latency-histogram.js';
import { addPacked, packHistogram } from '../telemetry/packed-histogram.js';
import type { RequestRecord } from '../telemetry/request-record.js';
import {
  ROLLUP_GRAINS,
  type RollupDelta,
  type RollupGrain,
  type RollupPoint,
  type RollupQuery,
  rollupRecords,
  rollupsEnabled,
} from '../telemetry/rollup.js';
import { KyselyStore, toRow } from './kysely-store.js';
import { selectForChart, sumIntoPoints } from './rollup-points.js';
import { mergedValues, TABLE, UPSERT_ROW } from './rollup-queries.js';
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
  'key_id',
  'client_tags',
  'reasoning_tokens',
  'usage_estimated',
];

/**
 * The writer's own work between two pauses (ms of wall time). The writer thread can share a core with the event
 * loop that serves traffic (always in the pinned benchmark, sometimes on a busy host), and the kernel lets a
 * running thread use up its time slice (~1.5 ms) before a request that woke the event loop gets the core
 * (issue 14: pauses at one connection). A whole flush (rows, then ~30 rollup upserts that each merge two packed
 * histograms in JavaScript, all in one transaction) is several ms of SQLite work. Pausing every 64 rows left the
 * rollups (0.5-1 ms a flush) and any batch under 64 rows (every flush at one connection) in one piece, and a
 * row count is no bound on time when rows cost more (a busy machine); checking the clock per row and per upsert
 * bounds what a request can wait for to about this much. The pauses fall inside the batch's one transaction (a
 * transaction per slice cost twice the writer's CPU).
 */
export const WORK_BETWEEN_PAUSES_MS = 0.2;

/**
 * How long a pause lasts (ms). Sleeping, unlike a turn of the event loop, gives the core away: a request waiting
 * for it runs now, and the writer waking 50 µs later finds the event loop inside its own time slice and waits.
 */
const PAUSE_MS = 0.05;
const pauseCell = new Int32Array(new SharedArrayBuffer(4));

/** Gives the core away for a moment (a futex wait with a timeout; nothing ever wakes it early). */
function giveWayToTheEventLoop(): void {
  Atomics.wait(pauseCell, 0, 0, PAUSE_MS);
}

/** Paces one batch: `due()` pauses once the work since the last pause reaches WORK_BETWEEN_PAUSES_MS. */
function pacer(): () => void {
  let since = performance.now();
  return function due() {
    if (performance.now() - since < WORK_BETWEEN_PAUSES_MS) return;
    giveWayToTheEventLoop();
    since = performance.now();
  };
}

/** Two packed histograms added into one (the rollup upsert's SQL function). */
function addPackedHistograms(stored: unknown, delta: unknown): Buffer {
  const counts = emptyHistogram();
  addPacked(counts, stored as Uint8Array | null);
  addPacked(counts, delta as Uint8Array | null);
  return packHistogram(counts);
}

/**
 * The SQLite store: every query through Kysely like the other stores, except the telemetry insert, which runs
 * thousands of times a second and so uses one prepared statement inside one transaction per batch (compiling
 * and preparing a multi-row INSERT per batch cost several times more), the rollup upsert that goes with it, and
 * the chart reads (raw rows).
 */
export class SqliteStore extends KyselyStore {
  private readonly insertBatch: BetterSqlite3.Transaction<(records: readonly RequestRecord[]) => void>;
  private readonly upsertRollups: (deltas: readonly RollupDelta[], due?: () => void) => void;
  private readonly chartReads: Record<RollupGrain, BetterSqlite3.Statement>;
  private readonly rollupTransaction: BetterSqlite3.Transaction<(deltas: readonly RollupDelta[]) => void>;

  constructor(
    db: Kysely<Database>,
    private readonly database: BetterSqlite3.Database,
  ) {
    super(db);
    const statement = database.prepare(
      `INSERT OR IGNORE INTO requests (${COLUMNS.join(', ')}) VALUES (${COLUMNS.map(() => '?').join(', ')})`,
    );
    database.function('amg_histogram_add', { deterministic: true }, addPackedHistograms);
    const upserts = Object.fromEntries(
      ROLLUP_GRAINS.map((grain) => [grain, database.prepare(UPSERT_ROW(TABLE[grain], 'amg_histogram_add'))]),
    ) as Record<RollupGrain, BetterSqlite3.Statement>;
    this.upsertRollups = (deltas, due) => {
      for (const delta of deltas) {
        due?.();
        upserts[delta.grain].run(mergedValues(delta, undefined));
      }
    };
    this.chartReads = Object.fromEntries(
      ROLLUP_GRAINS.map((grain) => [grain, database.prepare(selectForChart({ grain })).raw(true)]),
    ) as Record<RollupGrain, BetterSqlite3.Statement>;
    this.rollupTransaction = database.transaction((deltas: readonly RollupDelta[]) => this.upsertRollups(deltas));
    const withRollups = rollupsEnabled();
    this.insertBatch = database.transaction((records: readonly RequestRecord[]) => {
      // The worker has just parsed the batch's message (one JSON.parse, ~0.3 ms for 60 records on a busy machine)
      // without a break: give way before the rows too.
      giveWayToTheEventLoop();
      const due = pacer();
      // The records the log did not hold yet, once one was already there (a batch written again after its
      // first write's reply was lost, an id twice): only those may count in the rollups.
      let fresh: RequestRecord[] | undefined;
      for (let index = 0; index < records.length; index++) {
        due();
        const record = records[index] as RequestRecord;
        const row = toRow(record);
        // Positional binding: ~15% cheaper per row than binding the object's named parameters.
        const { changes } = statement.run(COLUMNS.map((column) => row[column]));
        if (changes === 0) fresh ??= records.slice(0, index);
        else fresh?.push(record);
      }
      // In the batch's own transaction: the request rows and the rollups that count them land together.
      if (withRollups) this.upsertRollups(rollupRecords(fresh ?? records), due);
    });
  }

  // IMMEDIATE: the write lock is taken before the rollups are read, so another process writing the same store
  // waits (busy_timeout) instead of merging from rows that are about to change.
  override async insertRequests(records: readonly RequestRecord[]): Promise<void> {
    if (records.length > 0) this.insertBatch.immediate(records);
  }

  // Raw (array) rows: a chart reads thousands, and objects with two Buffers each cost twice as much (bench:admin).
  override async queryRollups(query: RollupQuery): Promise<RollupPoint[]> {
    const rows = this.chartReads[query.grain].all(query.groupBy ?? 'all', query.since, query.until) as unknown[][];
    return sumIntoPoints(rows, query);
  }

  async saveCopy(file: string): Promise<void> {
    this.database.prepare('VACUUM INTO ?').run(file);
  }

  override async insertRollups(deltas: readonly RollupDelta[]): Promise<void> {
    if (deltas.length > 0) this.rollupTransaction.immediate(deltas);
  }
}
