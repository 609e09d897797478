// npm run bench:admin: the Admin UI's queries against a store the size of a busy month — 30 days of rollups at
// 200 req/s and 2 million request-log rows — timed through the admin API of a running gateway (HTTP, the store
// worker, JSON), p50/p95 per query. Writes bench/results/admin.{json,md}. `--quick`: 200,000 request rows;
// `AMG_DIST=<dir>` times another build (e.g. the previous commit's, built in a worktree of its own). Also times
// telemetry writes sent while a sorted page of the whole log is read: how long the sort holds the store's thread.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';

const QUICK = process.argv.includes('--quick');
const RATE = 200; // requests per second behind the rollups
const DAYS = 30;
// How many days of each grain exist: the defaults of telemetry.rollup_*_days, capped at the month benchmarked.
const GRAIN_DAYS = { minute: 2, ten_minutes: 14, hour: DAYS, six_hours: DAYS, day: DAYS };
const GRAIN_MS = { minute: 60_000, ten_minutes: 600_000, hour: 3_600_000, six_hours: 21_600_000, day: 86_400_000 };
const REQUEST_ROWS = QUICK ? 200_000 : 2_000_000;
const RUNS = QUICK ? 10 : 30;
const CHART_BUDGET_MS = 150;
const PAGE_BUDGET_MS = 100;
const root = new URL('..', import.meta.url).pathname;
const dist = process.env.AMG_DIST ?? join(root, 'dist');

const { openSqliteStore } = await import(join(dist, 'store/worker-store.js'));
const { BUCKETS, bucketOf } = await import(join(dist, 'telemetry/latency-histogram.js'));
const { Gateway } = await import(join(dist, 'server/gateway.js'));
const { newRequestId } = await import(join(dist, 'telemetry/request-id.js'));

const MODELS = ['gpt-4o-mini', 'gpt-4o', 'claude-sonnet', 'llama-70b', 'embed-small'];
const PROVIDERS = {
  'gpt-4o-mini': ['openai', 'azure'],
  'gpt-4o': ['openai'],
  'claude-sonnet': ['anthropic', 'bedrock'],
  'llama-70b': ['groq', 'vllm'],
  'embed-small': ['openai'],
};
const CLIENTS = Array.from({ length: 20 }, (_, i) => `app-${i}`);
const ENTRIES = ['chat.completions', 'messages', 'responses'];
const TEAMS = ['search', 'ads', 'support', 'research', 'infra'];

/** A deterministic pseudo-random sequence, so runs compare. */
let seed = 42;
const random = () => {
  seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648;
  return seed / 2_147_483_648;
};
const pick = (list) => list[Math.floor(random() * list.length)];

const ALL_PROVIDERS = [...new Set(Object.values(PROVIDERS).flat())];
/** Every value of every dimension a month of this traffic has: one rollup row each per bucket. */
const VALUES = {
  all: [''],
  model: MODELS,
  provider: ALL_PROVIDERS,
  client: CLIENTS,
  entry_point: ENTRIES,
  status_class: ['2xx', '429', '5xx'],
};

function histogram(total, centreMs) {
  const counts = new Array(BUCKETS).fill(0);
  for (let i = 0; i < 40; i++) counts[bucketOf(centreMs * (0.3 + random() * 2))] += Math.ceil(total / 40);
  return counts;
}

function delta(grain, bucket, dimension, value, requests) {
  return {
    grain,
    bucket,
    dimension,
    value,
    requests,
    errors: Math.floor(requests * 0.03),
    input_tokens: requests * 900,
    output_tokens: requests * 250,
    cost_usd: requests * 0.0004,
    latency_sum: requests * 800,
    ttft_count: requests,
    ttft_sum: requests * 300,
    cached_tokens: requests * 100,
    cache_write_tokens: 0,
    reasoning_tokens: requests * 20,
    unpriced: 0,
    latency: histogram(requests, 800),
    ttft: histogram(requests, 300),
  };
}

/** Rollup rows for one bucket: the bucket's requests split over each dimension's values. */
function bucketRows(grain, bucket, requests) {
  const rows = [];
  for (const [dimension, values] of Object.entries(VALUES)) {
    for (const value of values)
      rows.push(delta(grain, bucket, dimension, value, Math.max(1, Math.floor(requests / values.length))));
  }
  return rows;
}

function requestRecord(time) {
  const model = pick(MODELS);
  const failed = random() < 0.02;
  const fallback = random() < 0.01;
  return {
    id: newRequestId(time),
    time,
    client: random() < 0.001 ? 'rare-client' : pick(CLIENTS),
    // The key's tags when the request was made: what the usage report's group by tag splits.
    clientTags: { team: pick(TEAMS), env: random() < 0.8 ? 'prod' : 'dev' },
    entryPoint: pick(ENTRIES),
    method: 'POST',
    path: '/v1/chat/completions',
    stream: random() < 0.5,
    requestedModel: model,
    provider: pick(PROVIDERS[model]),
    upstreamModel: model,
    routeMode: fallback ? 'fallback' : 'direct',
    attempts: fallback
      ? [
          { provider: 'openai', model, status: 503, errorClass: 'server_error', latencyMs: 40 },
          { provider: 'azure', model, status: 200, latencyMs: 700 },
        ]
      : [{ provider: 'openai', model, status: failed ? 500 : 200, latencyMs: 700 }],
    status: failed ? 502 : 200,
    latencyMs: 100 + random() * 3000,
    ttfbMs: 50 + random() * 800,
    inputTokens: 900,
    outputTokens: 250,
    cachedTokens: 0,
    cacheWriteTokens: 0,
    costUsd: 0.0004,
    errorCode: failed ? 'GW_ERR_UPSTREAM' : null,
    errorMessage: failed ? 'upstream answered 500' : null,
    configRevision: 1,
  };
}

async function fill(file, now) {
  // Raw rows are written without rollups: the month of rollups comes from the generator, as 200 req/s would leave it.
  process.env.AMG_TELEMETRY_ROLLUPS = 'off';
  const store = await openSqliteStore(file);
  const started = Date.now();
  let rows = 0;
  for (const [grain, days] of Object.entries(GRAIN_DAYS)) {
    const size = GRAIN_MS[grain];
    const buckets = Math.ceil((days * 86_400_000) / size);
    const last = Math.floor(now / size) * size;
    let batch = [];
    for (let b = buckets; b >= 0; b--) {
      batch.push(...bucketRows(grain, last - b * size, Math.round((RATE * size) / 1000)));
      if (batch.length >= 2_000 || b === 0) {
        rows += batch.length;
        await store.insertRollups(batch);
        batch = [];
      }
    }
  }
  const rollupSeconds = (Date.now() - started) / 1000;
  const spanMs = (REQUEST_ROWS / RATE) * 1000;
  const insertStarted = Date.now();
  for (let i = 0; i < REQUEST_ROWS; i += 5_000) {
    const batch = [];
    for (let k = 0; k < 5_000 && i + k < REQUEST_ROWS; k++)
      batch.push(requestRecord(now - spanMs + ((i + k) / REQUEST_ROWS) * spanMs));
    await store.insertRequests(batch);
  }
  const insertSeconds = (Date.now() - insertStarted) / 1000;
  await store.close();
  delete process.env.AMG_TELEMETRY_ROLLUPS;
  return { rollupRows: rows, rollupSeconds, requestRows: REQUEST_ROWS, insertSeconds };
}

/** What a reused store holds, for the report. */
async function counted(path) {
  const { default: Database } = await import(join(root, 'node_modules/better-sqlite3/lib/index.js'));
  const db = new Database(path, { readonly: true });
  const count = (table) => db.prepare(`SELECT count(*) AS n FROM ${table}`).get().n;
  const tables = Object.keys(GRAIN_MS).map((g) => `rollup_${g}`);
  const result = {
    rollupRows: tables.reduce((n, t) => n + count(t), 0),
    rollupSeconds: 0,
    requestRows: count('requests'),
    insertSeconds: 0,
  };
  db.close();
  return result;
}

function percentile(sorted, q) {
  return sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)];
}

async function time(url, token) {
  const started = performance.now();
  const response = await fetch(url, { headers: { authorization: `Bearer ${token}` } });
  await response.arrayBuffer();
  if (!response.ok) throw new Error(`${url}: HTTP ${response.status}`);
  return performance.now() - started;
}

// --db=<file> reuses a store an earlier run kept (AMG_BENCH_KEEP=1) instead of filling a new one; its data ends
// when that run started, so ranges near "now" hold a little less.
const reuse = process.argv.find((a) => a.startsWith('--db='))?.slice('--db='.length);
const dir = mkdtempSync(join(tmpdir(), 'amg-bench-admin-'));
const file = reuse ?? join(dir, 'gateway.db');
const now = Date.now();
console.log(
  reuse
    ? `reusing ${file}`
    : `filling ${file}: ${DAYS} days of rollups at ${RATE} req/s, ${REQUEST_ROWS.toLocaleString()} request rows…`,
);
const filled = reuse ? await counted(reuse) : await fill(file, now);
console.log(
  `  ${filled.rollupRows.toLocaleString()} rollup rows in ${filled.rollupSeconds.toFixed(1)} s; requests in ${filled.insertSeconds.toFixed(1)} s`,
);

const config = join(dir, 'gateway.yaml');
writeFileSync(config, `storage: sqlite:${file}\nserver:\n  listen: 127.0.0.1:0\n`);
const TOKEN = 'amg_admin_bench_token_0123456789abcdef';
const gateway = await Gateway.start({
  configPath: config,
  env: { ...process.env, AMG_ADMIN_TOKEN: TOKEN },
  listen: '127.0.0.1:0',
});
const base = `${gateway.adminUrl}/admin/api`;

const firstPage = await (
  await fetch(`${base}/requests?limit=50`, { headers: { authorization: `Bearer ${TOKEN}` } })
).json();
const deep = firstPage.data[49].id;
const QUERIES = [
  ['chart', 'overview (5m, 1h, 24h, 7d windows + incidents)', '/overview'],
  ['chart', 'traffic 1h', '/traffic?range=1h'],
  ['chart', 'traffic 6h by client', '/traffic?range=6h&group=client'],
  ['chart', 'traffic 24h by model', '/traffic?range=24h&group=model'],
  ['chart', 'traffic 24h by client', '/traffic?range=24h&group=client'],
  ['chart', 'traffic 7d by provider', '/traffic?range=7d&group=provider'],
  ['chart', 'traffic 7d by client', '/traffic?range=7d&group=client'],
  ['chart', 'traffic 30d by client', '/traffic?range=30d&group=client'],
  ['chart', 'traffic 30d by entry point', '/traffic?range=30d&group=entry_point'],
  ['chart', 'clients page: usage and last use, 24h', '/clients/usage?range=24h'],
  ['chart', 'clients page: usage and last use, 30d', '/clients/usage?range=30d'],
  // The traffic page asks for its top 9 series: the rest folded into `other`, point by point (histograms too).
  ['chart', 'traffic 24h by client, top 9 + other (the UI)', '/traffic?range=24h&group=client&top=9'],
  ['chart', 'traffic 30d by client, top 9 + other (the UI)', '/traffic?range=30d&group=client&top=9'],
  ['chart', 'usage page: 7d by key', '/usage?since=7d&group_by=key'],
  ['chart', 'usage page: 30d by model', '/usage?since=30d&group_by=model'],
  // Tags have no rollups: one grouped scan of the request log over the window (store filled with --quick or not).
  ['chart', 'usage page: 7d by tag', '/usage?since=7d&group_by=tag'],

  ['page', 'requests, newest 50', '/requests?limit=50'],
  ['page', 'requests, next page (cursor)', `/requests?limit=50&before=${deep}`],
  ['page', 'requests by model', '/requests?limit=50&model=gpt-4o'],
  ['page', 'requests by client', '/requests?limit=50&client=app-3'],
  ['page', 'requests with errors', '/requests?limit=50&status=error'],
  ['page', 'requests that fell back', '/requests?limit=50&route=fallback'],
  ['page', 'requests of a rare client (0.1%)', '/requests?limit=50&client=rare-client'],
  // No index serves these orders (each would cost every telemetry insert): the whole log is sorted.
  ['page', 'requests by latency, whole log', '/requests?limit=50&sort=latency'],
  ['page', 'requests by tokens, last 24 h', `/requests?limit=50&sort=tokens&since=${now - 86_400_000}`],
];

// The machine's load while the queries ran goes into the report: on a shared machine it moves p95 most of all.
const loadBefore = loadavg()[0];
const results = [];
for (const [kind, name, path] of QUERIES) {
  await time(`${base}${path}`, TOKEN); // warm the page cache
  const samples = [];
  for (let i = 0; i < RUNS; i++) samples.push(await time(`${base}${path}`, TOKEN));
  samples.sort((a, b) => a - b);
  const budget = kind === 'chart' ? CHART_BUDGET_MS : PAGE_BUDGET_MS;
  const result = { kind, name, path, p50: percentile(samples, 0.5), p95: percentile(samples, 0.95), budget };
  results.push(result);
  console.log(
    `${result.p95 <= budget ? 'ok  ' : 'OVER'} ${name}: p50 ${result.p50.toFixed(1)} ms, p95 ${result.p95.toFixed(1)} ms (budget ${budget} ms)`,
  );
}

// Telemetry writes sent one after another (5 ms apart) while a sorted page of the whole log is read: the longest
// any of them waited is how long the sort held the store's thread at a stretch.
const writeWaits = [];
for (let i = 0; i < Math.min(RUNS, 10); i++) {
  let sorting = true;
  const sort = time(`${base}/requests?limit=50&sort=latency`, TOKEN).finally(() => {
    sorting = false;
  });
  let longest = 0;
  while (sorting) {
    const started = performance.now();
    await gateway.store.insertRequests([requestRecord(Date.now())]);
    longest = Math.max(longest, performance.now() - started);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  await sort;
  writeWaits.push(longest);
}
writeWaits.sort((a, b) => a - b);
const writeBehindSort = { p50: percentile(writeWaits, 0.5), max: writeWaits.at(-1) };
console.log(
  `the longest wait of a telemetry write during a sort of the whole log: p50 ${writeBehindSort.p50.toFixed(1)} ms, max ${writeBehindSort.max.toFixed(1)} ms`,
);
const loadAfter = loadavg()[0];
await gateway.close();
if (!process.env.AMG_BENCH_KEEP) rmSync(dir, { recursive: true, force: true });
else console.log(`kept ${file}`);

const md = [
  `# Admin UI query benchmark`,
  '',
  `${new Date(now).toISOString()} · Node ${process.version} · ${filled.rollupRows.toLocaleString()} rollup rows (${Object.entries(
    GRAIN_DAYS,
  )
    .map(([g, d]) => `${g} ${d} d`)
    .join(
      ', ',
    )}; ${RATE} req/s) · ${filled.requestRows.toLocaleString()} request rows · ${RUNS} runs per query through the admin API · load average ${loadBefore.toFixed(1)} → ${loadAfter.toFixed(1)} on ${availableParallelism()} CPUs`,
  '',
  '| query | p50 ms | p95 ms | budget (p95) |',
  '|---|---:|---:|---:|',
  ...results.map(
    (r) => `| ${r.name} | ${r.p50.toFixed(1)} | ${r.p95.toFixed(1)} | ${r.p95 <= r.budget ? '✓' : '✗'} ${r.budget} |`,
  ),
  '',
  `Telemetry writes sent 5 ms apart during a sorted page of the whole log: the longest wait of each sort p50 ${writeBehindSort.p50.toFixed(1)} ms, max ${writeBehindSort.max.toFixed(1)} ms.`,
  '',
].join('\n');
mkdirSync(join(root, 'bench/results'), { recursive: true });
writeFileSync(join(root, 'bench/results/admin.md'), md);
writeFileSync(
  join(root, 'bench/results/admin.json'),
  `${JSON.stringify({ filled, runs: RUNS, load: { before: loadBefore, after: loadAfter }, results, writeBehindSort }, null, 2)}\n`,
);
console.log(`\nwrote bench/results/admin.md`);
if (results.some((r) => r.p95 > r.budget)) process.exitCode = 1;
