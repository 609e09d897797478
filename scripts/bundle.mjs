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

/**
 * V8 keeps each bundle's source text in the heap for as long as the program runs (lazy compilation reads it).
 * Doc comments are most of it, and one non-ASCII character anywhere (a `→` in a comment or `…` in a message) makes
 * the whole text two-byte: without them, and with non-ASCII characters escaped, the sources take ~1.4 MB less
 * in the main thread and ~0.6 MB less in the SQLite worker (issue 14). Names and code stay as written (no
 * minifying), so stack traces stay readable; the source maps lead back to the compiled modules.
 */
const lean = { charset: 'ascii', comments: { legal: true, annotation: false, jsdoc: false }, sourcemap: true };

for (const stale of readdirSync('dist/cli').filter((name) => /^main-.*\.js$/.test(name))) {
  rmSync(`dist/cli/${stale}`);
}
await build({
  input: { main: 'dist/cli/entry.js' },
  platform: 'node',
  external: external(/^zod(\/|$)/),
  logLevel: 'warn',
  output: { dir: 'dist/cli', format: 'esm', entryFileNames: '[name].js', chunkFileNames: 'main-[name].js', ...lean },
});
await build({
  input: 'dist/store/sqlite-worker.js',
  platform: 'node',
  external: external(/^kysely(\/|$)/),
  logLevel: 'warn',
  output: { file: 'dist/store/sqlite-worker.bundle.js', format: 'esm', ...lean },
});
