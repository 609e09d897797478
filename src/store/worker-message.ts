import { setImmediate as turnOfTheLoop } from 'node:timers/promises';
import type { WorkerCall } from './worker-protocol.js';

/**
 * Records serialised per turn of the event loop: ~0.13 ms of main-thread time for 100 typical request records.
 * A whole flush (up to `telemetry.batch_size`, 500 by default) in one `JSON.stringify` held the event loop for
 * ~0.5-0.7 ms, and a request that arrived meanwhile waited that long (issue 14: pauses at one connection).
 */
export const RECORDS_PER_SLICE = 100;

/** Whether a call's message is built over several turns of the event loop (a large telemetry batch). */
export function isSliced(method: WorkerCall['method'], args: readonly unknown[]): boolean {
  const records = args[0];
  return method === 'insertRequests' && Array.isArray(records) && records.length > RECORDS_PER_SLICE;
}

/** The message for one call to the worker, as one string: cloning a string is a copy, not a walk of objects. */
export function encodeCall(call: WorkerCall): string {
  return JSON.stringify(call);
}

/**
 * The same string `encodeCall` makes for `insertRequests(records)`, serialised a slice at a time with the event
 * loop free between slices. The records must not change until it resolves (a flushed batch no longer does).
 */
export async function encodeSlicedInsert(id: number, records: readonly unknown[]): Promise<string> {
  const parts: string[] = [];
  for (let start = 0; start < records.length; start += RECORDS_PER_SLICE) {
    if (start > 0) await turnOfTheLoop();
    // "[a,b]" without its brackets; slices are never empty, so the parts join with commas.
    parts.push(JSON.stringify(records.slice(start, start + RECORDS_PER_SLICE)).slice(1, -1));
  }
  const method: WorkerCall['method'] = 'insertRequests';
  return `{"id":${id},"method":"${method}","args":[[${parts.join(',')}]]}`;
}
