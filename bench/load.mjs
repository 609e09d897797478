// Load generators for the benchmark: wrk (preferred: C, cheap on the load core) or autocannon (fallback).
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const hasTaskset = spawnSync('taskset', ['--version']).status === 0;
export const hasWrk = spawnSync('wrk', ['--version']).status !== null && spawnSync('which', ['wrk']).status === 0;

/** Runs a command pinned to a CPU core (when taskset exists) and collects its output. */
export function runPinned(core, command, args) {
  const [cmd, argv] = hasTaskset ? ['taskset', ['-c', String(core), command, ...args]] : [command, args];
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, argv, { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) =>
      code === 0 ? resolve(stdout) : reject(new Error(`${command} exited ${code}: ${stderr}`)),
    );
  });
}

function toMs(value, unit) {
  const n = Number(value);
  if (unit === 'us') return n / 1000;
  if (unit === 's') return n * 1000;
  if (unit === 'm') return n * 60_000;
  return n;
}

export function parseWrk(output) {
  const latency = (pct) => {
    const match = new RegExp(`\\s${pct}%\\s+([\\d.]+)(us|ms|s|m)`).exec(output);
    return match ? toMs(match[1], match[2]) : null;
  };
  const requests = Number(/(\d+) requests in/.exec(output)?.[1] ?? 0);
  const non2xx = Number(/Non-2xx or 3xx responses: (\d+)/.exec(output)?.[1] ?? 0);
  const errors = /Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)/.exec(output);
  const socketErrors = errors ? errors.slice(1).reduce((sum, n) => sum + Number(n), 0) : 0;
  return {
    rps: Number(/Requests\/sec:\s+([\d.]+)/.exec(output)?.[1] ?? 0),
    p50: latency(50),
    p99: latency(99),
    requests,
    failed: non2xx + socketErrors,
  };
}

/** Writes wrk's request script into a fresh temporary directory; returns both (the caller removes the directory). */
function wrkScript(body, token, headers) {
  const dir = mkdtempSync(join(tmpdir(), 'amg-wrk-'));
  const file = join(dir, 'post.lua');
  const extra = Object.entries(headers)
    .map(([name, value]) => `wrk.headers[${JSON.stringify(name)}] = ${JSON.stringify(value)}\n`)
    .join('');
  writeFileSync(
    file,
    `wrk.method = "POST"\nwrk.body = ${JSON.stringify(body)}\nwrk.headers["Content-Type"] = "application/json"\n${token ? `wrk.headers["Authorization"] = "Bearer ${token}"\n` : ''}${extra}`,
  );
  return { dir, file };
}

/**
 * Drives `url` with POST `body` for `seconds` over `connections` connections; returns rps, p50/p99 (ms), counts.
 * `headers` adds request headers beyond the JSON content type and the bearer token (a peer gateway's routing).
 */
export async function drive({ url, body, token, connections, seconds, core, headers = {} }) {
  if (hasWrk) {
    const threads = Math.min(connections, 2);
    // The paired rounds warm up in 1-second runs: many runs per phase, so each removes its script.
    const script = wrkScript(body, token, headers);
    try {
      const out = await runPinned(core, 'wrk', [
        '-t',
        String(threads),
        '-c',
        String(connections),
        '-d',
        `${seconds}s`,
        '--latency',
        '-s',
        script.file,
        url,
      ]);
      return { tool: 'wrk', ...parseWrk(out) };
    } finally {
      rmSync(script.dir, { recursive: true, force: true });
    }
  }
  const headerArgs = [
    '-H',
    'content-type=application/json',
    ...(token ? ['-H', `authorization=Bearer ${token}`] : []),
    ...Object.entries(headers).flatMap(([name, value]) => ['-H', `${name}=${value}`]),
  ];
  const out = await runPinned(core, process.execPath, [
    new URL('../node_modules/autocannon/autocannon.js', import.meta.url).pathname,
    '-j',
    '-c',
    String(connections),
    '-d',
    String(seconds),
    '-m',
    'POST',
    '-b',
    body,
    ...headerArgs,
    url,
  ]);
  const result = JSON.parse(out);
  return {
    tool: 'autocannon',
    rps: result.requests.average,
    p50: result.latency.p50,
    p99: result.latency.p99,
    requests: result.requests.total,
    failed: result.non2xx + result.errors,
  };
}
