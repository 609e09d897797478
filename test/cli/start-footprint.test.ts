import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const MODULE = fileURLToPath(new URL('../../dist/cli/start-footprint.js', import.meta.url));

/**
 * Runs in a child (the flags are process-wide): loads the module first, as the entry does (./src/cli/entry.ts),
 * makes a function hot and keeps allocations alive, starts a worker thread (which resets the growth factor inside
 * V8), then answers one HTTP request and does the same again. Prints what V8 did in each phase.
 * Everything else is imported after the module: on Node 24, loading node:http alone takes two scavenges and grows
 * the young generation to two 2 MB semi-spaces under V8's default growth factor (it stays at 1 MB on Node 20 and
 * 22), which a static import, loaded before the script's first statement, would measure instead of the hold.
 */
const SCRIPT = `
const { releaseAtFirstRequest } = await import(${JSON.stringify(MODULE)});
const { createServer } = await import('node:http');
const { getHeapSpaceStatistics } = await import('node:v8');
const { Worker } = await import('node:worker_threads');
const newSpace = () => getHeapSpaceStatistics().find((space) => space.space_name === 'new_space').space_size;
const kept = [];
function survive(n) { for (let i = 0; i < n; i++) kept.push({ i, text: 'x' + i }); }
function hot(a) { let s = 0; for (let i = 0; i < 50; i++) s += a * i; return s; }
const optimized = (fn) => (%GetOptimizationStatus(fn) & 16) !== 0;
function phase() {
  for (let i = 0; i < 300000; i++) hot(i);
  survive(400000);
  return { optimized: optimized(hot), newSpace: newSpace() };
}
await new Promise((resolve) => new Worker('', { eval: true }).once('online', resolve).once('exit', resolve));
const held = phase();
releaseAtFirstRequest();
const server = createServer((req, res) => res.end('ok')).listen(0, '127.0.0.1');
await new Promise((resolve) => server.once('listening', resolve));
await fetch('http://127.0.0.1:' + server.address().port + '/');
server.close();
const released = phase();
console.log(JSON.stringify({ held, released }));
`;

describe('start footprint', () => {
  it('holds the optimizing compiler and young-generation growth until the first request, then restores both', () => {
    const run = spawnSync(process.execPath, ['--allow-natives-syntax', '--input-type=module', '-e', SCRIPT], {
      encoding: 'utf8',
    });
    expect(run.stderr).toBe('');
    const { held, released } = JSON.parse(run.stdout) as Record<
      'held' | 'released',
      { optimized: boolean; newSpace: number }
    >;
    expect(held.optimized).toBe(false);
    // Two semi-spaces of 1 MB: no growth, even though a worker thread's isolate was set up meanwhile.
    expect(held.newSpace).toBeLessThanOrEqual(2 * 1024 * 1024);
    expect(released.optimized).toBe(true);
    expect(released.newSpace).toBeGreaterThan(held.newSpace);
  });

  it('compacts every page in full collections until released, so that start leaves no half-empty pages behind', () => {
    // Old-generation pages where one object in twenty survives: a compacting collection moves the survivors
    // together and frees the pages; a normal one keeps the pages (their holes are reused for new objects).
    const fragment = `
      import { getHeapSpaceStatistics } from 'node:v8';
      const { release } = await import(${JSON.stringify(MODULE)});
      const oldSpace = () => getHeapSpaceStatistics().find((space) => space.space_name === 'old_space').space_size;
      function freedByCollection() {
        let objects = [];
        for (let i = 0; i < 300000; i++) objects.push({ i, text: 'x' + i });
        gc(); gc();
        const before = oldSpace();
        objects = objects.filter((_, i) => i % 20 === 0);
        gc();
        const freed = before - oldSpace();
        objects.length = 0;
        gc();
        return freed;
      }
      const held = freedByCollection();
      release();
      console.log(JSON.stringify({ held, released: freedByCollection() }));
    `;
    const run = spawnSync(process.execPath, ['--expose-gc', '--input-type=module', '-e', fragment], {
      encoding: 'utf8',
    });
    expect(run.stderr).toBe('');
    const { held, released } = JSON.parse(run.stdout) as { held: number; released: number };
    expect(held).toBeGreaterThan(4 * 1024 * 1024);
    expect(released).toBeLessThan(held / 4);
  });
});
