// node bench/source-probe-run.mjs [requests] [connections] [--dialects] [--dist=<dir>]: a gateway with
// bench/source-probe.mjs preloaded, warmed with 2,000 requests of each mode, then `requests` (1,000) of each
// mode (OpenAI passthrough, non-stream and stream) at `connections` at a time (1): prints, per request, the
// formatted Errors, process.env reads and getHeapSpaceStatistics calls the gateway made meanwhile, by the stack
// that made them. --dialects: the bench's dialects config (bench:instructions') instead of bench:memory's.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Pool } from 'undici';
import { body, DIALECTS, pinnedSpawn, SINGLE, sendChat, waitForLine } from './scenarios.mjs';

const root = new URL('..', import.meta.url).pathname;
const [requests = 1_000, connections = 1] = process.argv
  .slice(2)
  .filter((a) => !a.startsWith('--'))
  .map(Number);
const dialects = process.argv.includes('--dialects');
const dist = process.argv.find((a) => a.startsWith('--dist='))?.slice(7) ?? 'dist';
const model = dialects ? 'via-openai' : 'bench';

const upstream = pinnedSpawn(1, [join(root, 'bench/fake-upstream.mjs'), '0'], {});
const port = Number((await waitForLine(upstream, /^(\d+)\n/))[1]);
const dir = mkdtempSync(join(tmpdir(), 'amg-source-probe-'));
writeFileSync(join(dir, 'gateway.yaml'), (dialects ? DIALECTS : SINGLE)(`http://127.0.0.1:${port}/v1`));
const program = [
  join(root, dist, 'cli/main.js'),
  'serve',
  '--config',
  join(dir, 'gateway.yaml'),
  '--listen',
  '127.0.0.1:0',
];
const gateway = pinnedSpawn(0, ['--import', join(root, 'bench/source-probe.mjs'), ...program], {
  AMG_ADMIN_TOKEN: 'bench-admin-token-0123456789',
  AMG_LOG_LEVEL: 'warn',
});
let stderr = '';
gateway.stderr.on('data', (chunk) => {
  stderr += chunk;
});
const [, url] = await waitForLine(gateway, /(?:API|listening)\s+(http:\/\/[\d.]+:\d+)/);
gateway.stdout.resume();
// Under taskset the gateway is the child of the process spawned.
const pid =
  Number(readFileSync(`/proc/${gateway.pid}/task/${gateway.pid}/children`, 'utf8').trim().split(' ')[0]) || gateway.pid;
const pool = new Pool(url, { connections });

/** Resolves with the match once the gateway's stderr holds `pattern`, consuming what it read. */
function stderrMatch(pattern) {
  return new Promise((resolve) => {
    const poll = setInterval(() => {
      const match = pattern.exec(stderr);
      if (!match) return;
      clearInterval(poll);
      stderr = stderr.slice(match.index + match[0].length);
      resolve(match);
    }, 20);
  });
}

for (const stream of [false, true]) await sendChat(pool, body(model, stream), 2_000, connections);
for (const stream of [false, true]) {
  process.kill(pid, 'SIGWINCH');
  await stderrMatch(/probe-start\n/);
  await sendChat(pool, body(model, stream), requests, connections);
  // The last response's close and its record come a turn after the client has the body.
  await new Promise((resolve) => setTimeout(resolve, 300));
  process.kill(pid, 'SIGWINCH');
  const [, result] = await stderrMatch(/probe-result\n([\s\S]*?)probe-end\n/);
  console.log(`== ${stream ? 'stream' : 'non-stream'}: ${requests} requests, ${connections} at a time; per request`);
  for (const line of result.trim().split('\n').filter(Boolean)) {
    const [count, what] = line.split('\t');
    console.log(`${(Number(count) / requests).toFixed(3)}\t${what}`);
  }
}
await pool.close();
gateway.kill('SIGINT');
upstream.kill('SIGTERM');
rmSync(dir, { recursive: true, force: true });
