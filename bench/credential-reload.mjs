#!/usr/bin/env node
/**
 * What one periodic credential reload costs the main thread, with N client keys in a SQLite store (issue 16).
 *
 *   node bench/credential-reload.mjs [--keys=1000,10000] [--rounds=5]
 *
 * Builds a store per N in a temporary directory (keys inserted through the Store, as `amg keys create` does,
 * each with a small policy so that compileAccess has work), writes a telemetry batch before each round (under
 * traffic every flush commits, so SQLite's data_version always moves), and times the gateway's periodic check:
 * wall ms around it and the event loop's active ms during it (performance.eventLoopUtilization), i.e. the
 * main-thread stall, next to a full reload (what every periodic check cost before the change counters, and what
 * one costs now when the keys did change). Reports the median of the rounds. Needs `npm run build`; uses dist/.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { ClientDirectory } from '../dist/auth/client-directory.js';
import { hashToken } from '../dist/auth/token-hash.js';
import { openSqliteStore } from '../dist/store/worker-store.js';

const arg = (name, fallback) => process.argv.find((a) => a.startsWith(`--${name}=`))?.split('=')[1] ?? fallback;
const sizes = arg('keys', '1000,10000').split(',').map(Number);
const rounds = Number(arg('rounds', '5'));

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

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

for (const n of sizes) {
  const dir = mkdtempSync(join(tmpdir(), 'amg-reload-'));
  const store = await openSqliteStore(join(dir, 'gateway.db'));
  const now = Date.now();
  for (let i = 0; i < n; i++) {
    await store.insertClientKey({
      id: `key_${i}`,
      name: `app-${i}`,
      tokenSha256: hashToken(`token-${i}`),
      prefix: 'amg_xxxx',
      createdAt: now,
      expiresAt: null,
      revokedAt: null,
      previousTokenSha256: null,
      previousExpiresAt: null,
      policy: { models: ['gpt-4o*', 'claude-*'], rpm: 600, budgets: { day: 5 }, tags: { team: `t${i % 20}` } },
    });
  }
  const directory = new ClientDirectory(store);
  await directory.refresh();
  const periodic = () => (directory.refreshIfChanged ? directory.refreshIfChanged() : directory.refresh());
  for (const [label, run] of [
    ['periodic check', periodic],
    ['full reload', () => directory.refresh()],
  ]) {
    const wall = [];
    const active = [];
    for (let r = 0; r < rounds; r++) {
      await store.insertRequests([record(`${label}-${r}`)]);
      const elu = performance.eventLoopUtilization();
      const start = performance.now();
      await run();
      wall.push(performance.now() - start);
      active.push(performance.eventLoopUtilization(elu).active);
    }
    console.log(
      `${n} keys, ${label}: median ${median(wall).toFixed(2)} ms wall, ${median(active).toFixed(2)} ms main-thread` +
        ` active (rounds: ${active.map((v) => v.toFixed(1)).join(' ')})`,
    );
  }
  await store.close();
  rmSync(dir, { recursive: true, force: true });
}
