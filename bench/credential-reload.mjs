#!/usr/bin/env node
/**
 * What keeping client keys current costs the main thread, with N client keys in a SQLite store (issue 16).
 *
 *   node bench/credential-reload.mjs [--keys=1000,10000,50000] [--rounds=5] [--dist=dist]
 *
 * Builds a store per N in a temporary directory (the rows `amg keys create` writes, inserted in one transaction
 * on a side connection so that 50,000 take seconds; each with a small policy so that compileAccess has work),
 * then times, per round:
 * - *periodic check*: a telemetry batch is written first (under traffic every flush commits), then the check;
 * - *one key changed*: one key's policy is updated through the store (as `amg keys update`), then the check;
 * - *full reload*: what the start does (and, before the change log, every change).
 * For each: wall ms, the event loop's active ms (performance.eventLoopUtilization) and the longest single block
 * of the loop during it (monitorEventLoopDelay's max, 1 ms resolution): the stall every request in flight
 * waits. Main-thread CPU of all rounds (10 ms ticks from /proc) beside them. Medians of the rounds. Timed figures on a loaded machine are indicative only: report the load
 * average. `--dist=<dir>` runs another build (an A/B with the build before a change). Needs `npm run build`.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import Database from 'better-sqlite3';

const arg = (name, fallback) => process.argv.find((a) => a.startsWith(`--${name}=`))?.split('=')[1] ?? fallback;
const sizes = arg('keys', '1000,10000').split(',').map(Number);
const rounds = Number(arg('rounds', '5'));
/** `--changes=K`: only start, then K single-key changes each applied by the check (for callgrind: run K=0 and K>0). */
const changesOnly = arg('changes', undefined);
const dist = pathToFileURL(`${resolve(arg('dist', new URL('../dist', import.meta.url).pathname))}/`);
const { ClientDirectory } = await import(new URL('auth/client-directory.js', dist));
const { hashToken } = await import(new URL('auth/token-hash.js', dist));
const { openSqliteStore } = await import(new URL('store/worker-store.js', dist));

function record(i) {
  return {
    id: `req-${Date.now()}-${i}`,
    time: Date.now(),
    client: 'bench',
    entryPoint: 'chat.completions',
    method: 'POST',
    path: '/v1/chat/completions',
    stream: false,
    requestedModel: 'gpt-4o-mini',
    provider: 'openai',
    upstreamModel: 'gpt-4o-mini',
    routeMode: 'direct',
    attempts: [],
    status: 200,
    latencyMs: 10,
    ttfbMs: 5,
    inputTokens: 10,
    outputTokens: 10,
    cachedTokens: null,
    cacheWriteTokens: null,
    costUsd: 0.0001,
    errorCode: null,
    errorMessage: null,
    configRevision: null,
    droppedFields: null,
  };
}

function seed(file, n) {
  const db = new Database(file);
  const insert = db.prepare(
    `INSERT INTO client_keys (id, name, token_sha256, prefix, created_at, policy) VALUES (?, ?, ?, 'amg_xxxx', ?, ?)`,
  );
  const now = Date.now();
  db.transaction(() => {
    for (let i = 0; i < n; i++) {
      const policy = { models: ['gpt-4o*', 'claude-*'], rpm: 600, budgets: { day: 5 }, tags: { team: `t${i % 20}` } };
      insert.run(`key_${i}`, `app-${i}`, hashToken(`token-${i}`), now, JSON.stringify(policy));
    }
  })();
  db.close();
}

/** Main-thread CPU ms so far (10 ms ticks of /proc/self/task/<pid>/stat), or NaN without /proc. */
function mainThreadCpuMs() {
  try {
    const fields = readFileSync(`/proc/self/task/${process.pid}/stat`, 'utf8').split(') ')[1].split(' ');
    return (Number(fields[11]) + Number(fields[12])) * 10;
  } catch {
    return Number.NaN;
  }
}

/** Runs `work`, watching the loop: wall ms, active ms, and its longest delay (a 1 ms native timer's, ms). */
async function watched(work) {
  const delay = monitorEventLoopDelay({ resolution: 1 });
  delay.enable();
  const elu = performance.eventLoopUtilization();
  const start = performance.now();
  await work();
  const wall = performance.now() - start;
  const active = performance.eventLoopUtilization(elu).active;
  // The timer's sample of a block at the very end is taken at its next firing: let it fire before disabling.
  await new Promise((resolve) => setTimeout(resolve, 20));
  delay.disable();
  return { wall, active, longest: delay.max / 1e6 };
}

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

for (const n of sizes) {
  const dir = mkdtempSync(join(tmpdir(), 'amg-reload-'));
  const file = join(dir, 'gateway.db');
  const store = await openSqliteStore(file);
  seed(file, n);
  const directory = new ClientDirectory(store);
  await directory.refresh();
  let changed = 0;
  if (changesOnly !== undefined) {
    for (let i = 0; i < Number(changesOnly); i++) {
      await store.updateClientKey(`key_${i}`, { policy: { rpm: 100 + i } });
      await directory.refreshIfChanged();
    }
    console.log(`${n} keys, ${changesOnly} changes applied ${JSON.stringify(directory.syncStats ?? {})}`);
    await store.close();
    rmSync(dir, { recursive: true, force: true });
    continue;
  }
  const scenarios = [
    ['periodic check', () => store.insertRequests([record(changed++)]), () => directory.refreshIfChanged()],
    [
      'one key changed',
      () => store.updateClientKey(`key_${changed++ % n}`, { policy: { rpm: 100 + changed } }),
      () => directory.refreshIfChanged(),
    ],
    ['full reload', async () => undefined, () => directory.refresh()],
  ];
  for (const [label, before, run] of scenarios) {
    const seen = [];
    let cpu = 0;
    for (let r = 0; r < rounds; r++) {
      await before();
      const cpuBefore = mainThreadCpuMs();
      seen.push(await watched(run));
      cpu += mainThreadCpuMs() - cpuBefore;
    }
    const pick = (field) => median(seen.map((s) => s[field])).toFixed(2);
    console.log(
      `${n} keys, ${label}: median ${pick('wall')} ms wall, ${pick('active')} ms main-thread active, ` +
        `longest loop delay ${pick('longest')} ms (each: ${seen.map((s) => s.longest.toFixed(1)).join(' ')}), ` +
        `main-thread CPU ${cpu} ms in ${rounds} rounds`,
    );
  }
  if (directory.syncStats) console.log(`  ${JSON.stringify(directory.syncStats)}`);
  await store.close();
  rmSync(dir, { recursive: true, force: true });
}
