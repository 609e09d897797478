#!/usr/bin/env node
// Bundles what `npm run build` compiled (run after tsc) into the files that run: the amg program into
// dist/cli/main.js (lazily loaded parts as dist/cli/main-*.js chunks) and the SQLite worker thread's program
// into dist/store/sqlite-worker.bundle.js. Loaded as separate ES modules (~500 in the gateway's main thread,
// zod's 95 among them; ~300 in the worker, kysely's 262 among them), each isolate kept several MB more memory
// for the modules' records, sources and compiled code than for the same code bundled (issue 14).
// tsc's per-module output stays: its incremental build compares against it, and tests read it.
// Packages stay external except the ES-module ones loaded at start (zod, kysely); better-sqlite3 must, as it
// loads a native addon by a path relative to its own package.
import { readdirSync, rmSync } from 'node:fs';
import { build } from 'rolldown';

const external = (inline) => (id) => /^node:/.test(id) || (/^[@a-z]/.test(id) && !inline.test(id));

for (const stale of readdirSync('dist/cli').filter((name) => /^main-.*\.js$/.test(name))) {
  rmSync(`dist/cli/${stale}`);
}
await build({
  input: { main: 'dist/cli/program.js' },
  platform: 'node',
  external: external(/^zod(\/|$)/),
  logLevel: 'warn',
  output: { dir: 'dist/cli', format: 'esm', entryFileNames: '[name].js', chunkFileNames: 'main-[name].js' },
});
await build({
  input: 'dist/store/sqlite-worker.js',
  platform: 'node',
  external: external(/^kysely(\/|$)/),
  logLevel: 'warn',
  output: { file: 'dist/store/sqlite-worker.bundle.js', format: 'esm' },
});
