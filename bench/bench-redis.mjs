// The Redis server of the limits phase. The machine's Redis service is not pinned: on a 2-core machine the
// scheduler moves it between the gateway's core and the load core, so in some rounds the Redis gateway's core
// also ran Redis (a cost no gateway pays against a Redis on its own host), in others it did not. The bench
// therefore starts its own redis-server on a free port, pinned to the load core with the fake upstream and the
// load tool (everything the gateway talks to), without persistence and used by no one else; every variant of
// every round sees the same placement. REDIS_URL set, or no redis-server on the PATH: that Redis is used as it is.
import { spawn, spawnSync } from 'node:child_process';
import { createServer } from 'node:net';
import { hasTaskset } from './load.mjs';

const DEFAULT_URL = 'redis://127.0.0.1:6379';

/** A port nothing listens on now (the OS picks it; redis-server takes a port number, not 0). */
function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

/**
 * Starts the bench's Redis pinned to `core`; resolves with `{ url, placement, stop }`. `placement` says where it
 * runs, for the report.
 */
export async function startBenchRedis(core) {
  const given = process.env.REDIS_URL;
  if (given || spawnSync('which', ['redis-server']).status !== 0) {
    return {
      url: given ?? DEFAULT_URL,
      placement: 'the Redis at REDIS_URL (not pinned by the bench)',
      stop: async () => {},
    };
  }
  const port = await freePort();
  const args = ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'];
  const child = hasTaskset
    ? spawn('taskset', ['-c', String(core), 'redis-server', ...args], { stdio: ['ignore', 'pipe', 'pipe'] })
    : spawn('redis-server', args, { stdio: ['ignore', 'pipe', 'pipe'] });
  const exited = new Promise((resolve) => child.once('exit', resolve));
  await new Promise((resolve, reject) => {
    let seen = '';
    child.stdout.on('data', (chunk) => {
      seen = (seen + chunk).slice(-4000);
      if (seen.includes('Ready to accept connections')) resolve();
    });
    child.once('exit', (code) => reject(new Error(`redis-server exited (${code}): ${seen}`)));
  });
  child.stdout.resume();
  child.stderr.resume();
  return {
    url: `redis://127.0.0.1:${port}`,
    // taskset execs redis-server, so the child's pid is the server's (for its CPU in /proc).
    pid: child.pid,
    placement: hasTaskset
      ? `its own redis-server, pinned to core ${core} with the upstream and load`
      : 'its own redis-server (NOT pinned)',
    stop: async () => {
      child.kill('SIGTERM');
      await exited;
    },
  };
}
