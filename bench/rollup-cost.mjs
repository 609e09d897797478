// The store worker's CPU per request record with the Admin UI's rollups on and off: the same batches (500 records,
// the writer's default) written into two fresh SQLite files on this thread, in turns. Rollups run on the worker,
// off the request path, so this is what they take from the second core, measured without the load generator's noise.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const { default: Database } = await import(join(root, 'node_modules/better-sqlite3/lib/index.js'));
const { Kysely, SqliteDialect } = await import(join(root, 'node_modules/kysely/dist/esm/index.js'));
const { migrateToLatest } = await import(join(root, 'dist/store/migrations.js'));
const { SqliteStore } = await import(join(root, 'dist/store/sqlite-store.js'));
const { newRequestId } = await import(join(root, 'dist/telemetry/request-id.js'));

const BATCH = 500;
const MODELS = ['gpt-4o-mini', 'gpt-4o', 'claude-sonnet'];
const CLIENTS = Array.from({ length: 20 }, (_, i) => `app-${i}`);

async function openStore(file, rollups) {
  // rollupsEnabled() is read when the store is built, as the worker does at start.
  process.env.AMG_TELEMETRY_ROLLUPS = rollups ? 'on' : 'off';
  const database = new Database(file);
  database.pragma('journal_mode = WAL');
  database.pragma('synchronous = NORMAL');
  const db = new Kysely({ dialect: new SqliteDialect({ database }) });
  await migrateToLatest(db);
  const store = new SqliteStore(db, database);
  delete process.env.AMG_TELEMETRY_ROLLUPS;
  return store;
}

/** A batch as 8,000 req/s would leave it: 500 records over ~60 ms, mixed models, clients and outcomes. */
function batch(start, n) {
  return Array.from({ length: BATCH }, (_, k) => {
    const i = n * BATCH + k;
    const time = start + Math.floor(i / 8);
    return {
      id: newRequestId(time),
      time,
      client: CLIENTS[i % CLIENTS.length],
      entryPoint: i % 3 ? 'chat.completions' : 'messages',
      method: 'POST',
      path: '/v1/chat/completions',
      stream: i % 2 === 0,
      requestedModel: MODELS[i % MODELS.length],
      provider: 'up',
      upstreamModel: 'm1',
      routeMode: 'direct',
      attempts: [{ provider: 'up', model: 'm1', status: 200, latencyMs: 2 }],
      status: i % 50 ? 200 : 502,
      latencyMs: 1 + (i % 40),
      ttfbMs: 1 + (i % 10),
      inputTokens: 12,
      outputTokens: 30,
      cachedTokens: 0,
      cacheWriteTokens: 0,
      costUsd: 0.0001,
      errorCode: null,
      errorMessage: null,
      configRevision: 1,
    };
  });
}

/** CPU µs per record of writing `batches` batches, rollups off and on in turns; the median of `rounds`. */
export async function rollupWriteCost({ batches = 40, rounds = 5 } = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'amg-bench-rollup-cost-'));
  try {
    const stores = { off: await openStore(join(dir, 'off.db'), false), on: await openStore(join(dir, 'on.db'), true) };
    const samples = { off: [], on: [] };
    const start = Date.now();
    for (let round = 0; round < rounds; round++) {
      for (const [name, store] of Object.entries(stores)) {
        const work = Array.from({ length: batches }, (_, n) => batch(start, round * batches + n));
        const before = process.cpuUsage();
        for (const records of work) await store.insertRequests(records);
        const used = process.cpuUsage(before);
        samples[name].push((used.user + used.system) / (batches * BATCH));
      }
    }
    for (const store of Object.values(stores)) await store.close();
    const median = (list) => [...list].sort((a, b) => a - b)[Math.floor(list.length / 2)];
    return { off: median(samples.off), on: median(samples.on), samples };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const cost = await rollupWriteCost();
  console.log(
    `store worker CPU per record: rollups off ${cost.off.toFixed(1)} µs, on ${cost.on.toFixed(1)} µs (+${(cost.on - cost.off).toFixed(1)} µs)`,
  );
}
