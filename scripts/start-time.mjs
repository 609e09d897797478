#!/usr/bin/env node
// npm run bench:start: how long `npm start` takes from launch to its first `/healthz` 200 on a built tree, twice
// (first run: builds first when sources changed since the last build, untimed). Each start gets its own config
// and data directory and an ephemeral port, and is stopped with SIGTERM to the PID its banner prints.
// Fails (exit 1) when a start that skipped the build took over 3 s. Writes bench/results/start-time.md.
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const LIMIT_MS = 3_000;
const RUNS = 2;

function config(dir) {
  const path = join(dir, 'gateway.yaml');
  writeFileSync(
    path,
    `storage: sqlite:${join(dir, 'data', 'gateway.db')}
providers:
  - { name: openai, type: openai, base_url: https://api.openai.com/v1, api_key: "\${OPENAI_API_KEY:-}" }
models:
  - { name: gpt-4o-mini, targets: [{ provider: openai, model: gpt-4o-mini }] }
`,
  );
  return path;
}

/**
 * CPU seconds the gateway process had used when it answered (user + system, from /proc): on a busy machine the
 * wall time mostly measures waiting for a core, this does not.
 */
function cpuSeconds(output) {
  const pid = /pid\s+(\d+)/.exec(output)?.[1];
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return null;
  }
}

/** Starts `npm start`, resolves with the milliseconds until /healthz answered 200. */
async function timedStart() {
  const dir = mkdtempSync(join(tmpdir(), 'amg-start-'));
  const started = performance.now();
  const child = spawn('npm', ['start', '--', '--config', config(dir), '--listen', '127.0.0.1:0'], {
    cwd: root,
    env: { ...process.env, AMG_ADMIN_TOKEN: 'start-time-admin-token-0123456789', AMG_LOG_LEVEL: 'warn' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (chunk) => (output += chunk));
  child.stderr.on('data', (chunk) => (output += chunk));
  try {
    for (;;) {
      if (child.exitCode !== null) throw new Error(`npm start exited (${child.exitCode}):\n${output}`);
      const url = /API\s+(http:\/\/[\d.]+:\d+)/.exec(output)?.[1];
      const ok = url
        ? await fetch(`${url}/healthz`).then(
            (r) => r.ok,
            () => false,
          )
        : false;
      if (ok) return { ms: performance.now() - started, built: /building/.test(output), cpuS: cpuSeconds(output) };
      if (performance.now() - started > 120_000) throw new Error(`no answer in 120 s:\n${output}`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  } finally {
    const pid = Number(/pid\s+(\d+)/.exec(output)?.[1]);
    const exited = new Promise((resolve) => child.once('exit', resolve));
    if (pid) process.kill(pid, 'SIGTERM');
    else child.kill('SIGTERM');
    await exited;
    rmSync(dir, { recursive: true, force: true });
  }
}

// Bring dist/ up to date first, untimed, so every timed start is a start from a built tree.
const prebuild = spawnSync(process.execPath, ['scripts/build-if-stale.mjs'], { cwd: root, stdio: 'inherit' });
if (prebuild.status !== 0) process.exit(prebuild.status ?? 1);
const runs = [];
for (let i = 0; i < RUNS; i++) runs.push(await timedStart());
const load = (await import('node:os')).loadavg()[0].toFixed(1);
const lines = [
  `# npm start to the first /healthz 200 (${new Date().toISOString()}, Node ${process.version}, load average ${load})`,
  '',
  ...runs.map(
    (run, i) =>
      `- start ${i + 1}: ${(run.ms / 1000).toFixed(2)} s to the first answer${run.built ? ' (built first)' : ''}; the gateway process had used ${run.cpuS ?? '?'} s of CPU`,
  ),
  `- limit for a start that skipped the build: ${LIMIT_MS / 1000} s`,
  '',
];
mkdirSync(join(root, 'bench/results'), { recursive: true });
writeFileSync(join(root, 'bench/results/start-time.md'), lines.join('\n'));
console.log(lines.join('\n'));
if (runs.some((run) => !run.built && run.ms > LIMIT_MS)) process.exitCode = 1;
