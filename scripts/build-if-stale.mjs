#!/usr/bin/env node
// Builds only when a source changed since the last build, so `npm start` answers in about a second when
// nothing changed (a full `tsc` run takes 10-15 s here). The stamp is written only after a build succeeded.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const STAMP = join('dist', '.build-stamp');
/** What the build reads: a change to any of these makes dist/ stale. */
const INPUTS = [
  'src',
  'scripts/bundle.mjs',
  'package.json',
  'package-lock.json',
  'tsconfig.json',
  'tsconfig.build.json',
];

/** The newest modification time under `path` (milliseconds), 0 when it does not exist. */
function newest(path) {
  if (!existsSync(path)) return 0;
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  let latest = stat.mtimeMs;
  for (const entry of readdirSync(path)) latest = Math.max(latest, newest(join(path, entry)));
  return latest;
}

const built = existsSync(STAMP) ? statSync(STAMP).mtimeMs : 0;
const changed = Math.max(...INPUTS.map(newest));
if (built > 0 && changed <= built) process.exit(0);

process.stderr.write(built > 0 ? 'sources changed; building...\n' : 'building...\n');
const result = spawnSync('npm', ['run', '-s', 'build'], { stdio: 'inherit' });
if (result.status !== 0) process.exit(result.status ?? 1);
writeFileSync(STAMP, `${new Date().toISOString()}\n`);
