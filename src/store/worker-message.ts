import { randomBytes } from 'node:crypto';
import { setImmediate as turnOfTheLoop } from 'node:timers/promises';
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

/** The message for one call to the worker, as one string: cloning a string is a copy, not a walk of objects. */
export function encodeCall(call: WorkerCall): string {
  return call.method === 'insertStoredResponses' ? encodeStoredResponses(call) : JSON.stringify(call);
}

/**
 * Marks where input items kept as JSON text go. Random per process, so no text a client sent can spell it; JSON
 * writes it as a string of its own, found again by an exact search.
 */
const ITEMS_MARK = `\u0000items:${randomBytes(12).toString('hex')}:`;

/**
 * Stored Responses turns whose input items are JSON text (a large input listed on the parser thread) carry that
 * text into the message as it is: as a string field it would be escaped whole on the main thread (80–350 ms for
 * 10 MiB). The worker receives those items as the array the text encodes.
 */
function encodeStoredResponses(call: WorkerCall): string {
  const texts: string[] = [];
  const responses = (call.args[0] as readonly StoredResponse[]).map((response) => {
    if (Array.isArray(response.inputItems)) return response;
    texts.push(response.inputItems.json);
    return { ...response, inputItems: `${ITEMS_MARK}${texts.length - 1}` };
  });
  const message = JSON.stringify({ ...call, args: [responses, ...call.args.slice(1)] });
  if (texts.length === 0) return message;
  const parts: string[] = [];
  let from = 0;
  texts.forEach((text, index) => {
    const mark = JSON.stringify(`${ITEMS_MARK}${index}`);
    const at = message.indexOf(mark, from);
    parts.push(message.slice(from, at), text);
    from = at + mark.length;
  });
  parts.push(message.slice(from));
  return parts.join('');
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
