import { readlinkSync } from 'node:fs';
import { getPriority, setPriority } from 'node:os';

/**
 * How much lower (in nice steps) the SQLite writer thread runs than the thread that serves requests. Telemetry
 * writing is batch work that may lag a few milliseconds; a request may not. With the gateway on one core, a
 * request that arrived while the writer held the core waited for it (the writer busy > 0.2 ms in 8% of the
 * slowest 1% at one connection, issue 14). Nice 5 gives the writer a third of the main thread's weight (335
 * against 1024): the kernel lets a woken main thread in sooner, and under saturation the writer still gets ~25%
 * of a core it shares with the main thread, several times what it needs there (the telemetry queue stays empty
 * at 64 connections; docs/benchmark.md "Memory targets").
 */
export const WRITER_NICE_STEPS = 5;

/** Linux's lowest priority (highest nice value). */
const LOWEST = 19;

/**
 * The calling thread's id (TID) on Linux, from `/proc/thread-self` ("<pid>/task/<tid>"); undefined elsewhere
 * (no procfs, or another OS), where a thread's priority cannot be set apart from its process's.
 */
export function currentThreadId(readLink: (path: string) => string = readlinkSync): number | undefined {
  try {
    const tid = Number(readLink('/proc/thread-self').split('/').pop());
    return Number.isInteger(tid) && tid > 0 ? tid : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Lowers a thread's CPU priority (`currentThreadId()` for the calling thread) by `steps` nice steps from what it
 * has now (so a gateway started with a raised or lowered priority keeps the same distance), capped at 19.
 * Raising a nice value needs no privilege. On Linux `setpriority` with a thread id changes that thread alone;
 * without a thread id it does nothing (setting the process's priority would slow the request-serving thread
 * too). Returns the new nice value, or undefined when it did nothing.
 */
export function lowerThreadPriority(threadId: number | undefined, steps: number): number | undefined {
  if (threadId === undefined) return undefined;
  try {
    const nice = Math.min(LOWEST, getPriority(threadId) + steps);
    setPriority(threadId, nice);
    return nice;
  } catch {
    return undefined;
  }
}
