import { setImmediate as turnOfTheLoop } from 'node:timers/promises';
import { ownMemory } from '../runtime/own-memory.js';
import type { StoredResponse } from './store.js';
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

/**
 * The message for one call to the worker: one string (cloning a string is a copy, not a walk of objects), or,
 * for stored Responses turns whose input items are UTF-8 JSON (a large input listed on the parser thread), that
 * string with the items' bytes beside it, to be moved to the worker (see `movedMemory`): put into the string
 * they were joined or escaped whole on the main thread, and even cloned as bytes they cost it 100–350 ms of
 * CPU per 10 MiB at load 20 (the serialiser grows its buffer by copies, each new page a fault).
 */
export type WorkerMessage = string | { text: string; items: Uint8Array[] };

export function encodeCall(call: WorkerCall): WorkerMessage {
  return call.method === 'insertStoredResponses' ? encodeStoredResponses(call) : JSON.stringify(call);
}

/**
 * What `postMessage` should move rather than copy: the items' memory. The caller's `StoredItemsJson` bytes are
 * then detached (empty) on this thread.
 */
export function movedMemory(message: WorkerMessage): ArrayBuffer[] {
  return typeof message === 'string' ? [] : message.items.map((bytes) => bytes.buffer as ArrayBuffer);
}

/** The call a message carries, on the worker: items sent as bytes are put back as `{ utf8 }`, still unparsed. */
export function decodeCall(message: WorkerMessage): WorkerCall {
  if (typeof message === 'string') return JSON.parse(message) as WorkerCall;
  const call = JSON.parse(message.text) as WorkerCall;
  for (const response of call.args[0] as StoredResponse[]) {
    // Only the gateway sets inputItems; a number there is the index of its bytes, never anything a client sent.
    const index: unknown = response.inputItems;
    if (typeof index === 'number') response.inputItems = { utf8: message.items[index] as Uint8Array };
  }
  return call;
}

function encodeStoredResponses(call: WorkerCall): WorkerMessage {
  const items: Uint8Array[] = [];
  const responses = (call.args[0] as readonly StoredResponse[]).map((response) => {
    if (Array.isArray(response.inputItems)) return response;
    items.push(ownMemory(response.inputItems.utf8));
    return { ...response, inputItems: items.length - 1 };
  });
  const text = JSON.stringify({ ...call, args: [responses, ...call.args.slice(1)] });
  return items.length === 0 ? text : { text, items };
}

/**
 * The same string `encodeCall` makes for `insertRequests(records)`, serialised a slice at a time with the event
 * loop free between slices. The records must not change until it resolves (a flushed batch no longer does).
 */
export async function encodeSlicedInsert(id: number, records: readonly unknown[]): Promise<string> {
  const method: WorkerCall['method'] = 'insertRequests';
  // Concatenated, not joined: V8 keeps the pieces as a rope (and each slice's brackets-less part as a view of
  // it) until postMessage flattens the message, its one copy. A join, and a template around it, made two more
  // copies of the whole batch's JSON (~0.7 kB per request at one connection, where flushes exceed 100 records).
  let text = `{"id":${id},"method":"${method}","args":[[`;
  for (let start = 0; start < records.length; start += RECORDS_PER_SLICE) {
    if (start > 0) {
      await turnOfTheLoop();
      text += ',';
    }
    // "[a,b]" without its brackets; slices are never empty, so the parts follow each other with commas.
    text += JSON.stringify(records.slice(start, start + RECORDS_PER_SLICE)).slice(1, -1);
  }
  return `${text}]]}`;
}
