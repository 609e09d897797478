#!/usr/bin/env node
// Bundles the SQLite worker thread's program (run by `npm run build`, after tsc) into one file. Loaded as
// ~300 separate ES modules (kysely alone is 262 of them), the worker's isolate kept ~7 MB more memory for the
// modules' records, sources and compiled code than it does for the same code in one module (issue 14).
// better-sqlite3 stays external: it loads a native addon by a path relative to its own package.
import { build } from 'rolldown';

await build({
  input: 'dist/store/sqlite-worker.js',
  platform: 'node',
  external: [/^node:/, 'better-sqlite3'],
  logLevel: 'warn',
  output: { file: 'dist/store/sqlite-worker.bundle.js', format: 'esm' },
});
