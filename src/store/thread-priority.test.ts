import { readdirSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { platform, tmpdir } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { afterEach, describe, expect, it } from 'vitest';
import type { Store } from './store.js';
import { currentThreadId, lowerThreadPriority, WRITER_NICE_STEPS } from './thread-priority.js';
import { openSqliteStore } from './worker-store.js';

const linux = platform() === 'linux';

/** A thread's nice value as the kernel reports it: field 19 of /proc/self/task/<tid>/stat. */
function niceOf(tid: number): number {
  const afterName = readFileSync(`/proc/self/task/${tid}/stat`, 'utf8').split(') ')[1] as string;
  return Number(afterName.split(' ')[16]);
}

/** Every thread of this process with its nice value. */
function threadNices(): Map<number, number> {
  return new Map(readdirSync('/proc/self/task').map((tid) => [Number(tid), niceOf(Number(tid))]));
}

/** A worker thread that reports its TID and stays alive until terminated. */
async function idleThread(): Promise<{ tid: number; worker: Worker }> {
  const worker = new Worker(
    `const { parentPort } = require('node:worker_threads');
     parentPort.postMessage(require('node:fs').readlinkSync('/proc/thread-self'));
     setInterval(() => {}, 1000);`,
    { eval: true },
  );
  const link = await new Promise<string>((resolve) => worker.once('message', resolve));
  return { tid: Number(link.split('/').pop()), worker };
}

describe.runIf(linux)('the writer thread runs at a lower priority (Linux)', () => {
  let dir: string | undefined;
  let store: Store | undefined;
  let worker: Worker | undefined;
  afterEach(async () => {
    await store?.close();
    await worker?.terminate();
    if (dir) await rm(dir, { recursive: true, force: true });
    store = worker = dir = undefined;
  });

  it('finds the calling thread id: the main thread has the process id', () => {
    expect(currentThreadId()).toBe(process.pid);
  });

  it('lowers one thread by the steps asked, leaving the others as they were', async () => {
    const thread = await idleThread();
    worker = thread.worker;
    const before = threadNices();
    expect(lowerThreadPriority(thread.tid, 3)).toBe(Math.min(19, (before.get(thread.tid) as number) + 3));
    const after = threadNices();
    expect(after.get(thread.tid)).toBe(Math.min(19, (before.get(thread.tid) as number) + 3));
    for (const [tid, nice] of before) if (tid !== thread.tid && after.has(tid)) expect(after.get(tid)).toBe(nice);
  });

  it('never goes past 19', async () => {
    const thread = await idleThread();
    worker = thread.worker;
    expect(lowerThreadPriority(thread.tid, 40)).toBe(19);
    expect(niceOf(thread.tid)).toBe(19);
  });

  it("starts the SQLite writer thread WRITER_NICE_STEPS below the main thread's priority", async () => {
    const main = niceOf(process.pid);
    const before = new Set(threadNices().keys());
    dir = await mkdtemp(join(tmpdir(), 'amg-writer-nice-'));
    store = await openSqliteStore(join(dir, 'gateway.db'));
    await store.setMeta('k', 'v');
    // The writer is the one new thread that was lowered; V8's and libuv's threads keep the main thread's value.
    const lowered = [...threadNices()].filter(([tid, nice]) => !before.has(tid) && nice !== main);
    expect(lowered.map(([, nice]) => nice)).toEqual([Math.min(19, main + WRITER_NICE_STEPS)]);
    expect(niceOf(process.pid)).toBe(main);
  });
});

describe('where there is no thread id (no /proc/thread-self: other systems)', () => {
  it('finds none and changes nothing', () => {
    const missing = () => {
      throw Object.assign(new Error('ENOENT'), { code: 'ENOENT' });
    };
    expect(currentThreadId(missing)).toBeUndefined();
    const before = linux ? niceOf(process.pid) : undefined;
    expect(lowerThreadPriority(currentThreadId(missing), WRITER_NICE_STEPS)).toBeUndefined();
    if (linux) expect(niceOf(process.pid)).toBe(before);
  });
});
