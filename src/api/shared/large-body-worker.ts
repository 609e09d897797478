import { parentPort } from 'node:worker_threads';
import { GatewayError } from '../../errors/gateway-error.js';
import { estimateInputTokens } from '../anthropic/input-estimate.js';
import {
  type JsonKind,
  jsonKind,
  type LargeBodyAnswer,
  type LargeBodyJob,
  type LargeBodySummary,
} from './large-body-protocol.js';
import { parseJsonObject } from './read-body.js';

/** A top-level value counts as large past this many characters of content (about its size as JSON). */
const SMALL_VALUE_CHARS = 16 * 1024;

/** Whether a value holds more than `budget` characters, counting a few per node; stops as soon as it does. */
function largerThan(value: unknown, budget: number): boolean {
  let left = budget;
  const stack: unknown[] = [value];
  while (stack.length > 0) {
    const item = stack.pop();
    if (typeof item === 'string') left -= item.length + 2;
    else if (item !== null && typeof item === 'object') {
      const entries = Array.isArray(item) ? item : Object.entries(item);
      left -= 2 + entries.length;
      for (const entry of entries) stack.push(entry);
    } else left -= 8;
    if (left < 0) return true;
  }
  return false;
}

function summarize(body: Record<string, unknown>): LargeBodySummary {
  const keys = Object.keys(body);
  const small: Record<string, unknown> = {};
  const large: LargeBodySummary['large'] = [];
  for (const key of keys) {
    const value = body[key];
    // A string, however long, goes back whole: cloning one is a copy of its bytes, while a large array or
    // object costs the main thread about as much to rebuild as to parse.
    if (typeof value !== 'string' && largerThan(value, SMALL_VALUE_CHARS))
      large.push([key, jsonKind(value) as JsonKind]);
    else Object.defineProperty(small, key, { value, enumerable: true, writable: true, configurable: true });
  }
  return { keys, small, large };
}

async function answer(job: LargeBodyJob): Promise<LargeBodyAnswer> {
  const { id, chunks } = job;
  const joined = Buffer.concat(chunks);
  // Buffer.concat may hand out a slice of a shared pool for a small total; the answer moves its own memory back.
  const own = joined.byteOffset === 0 && joined.buffer.byteLength === joined.length ? joined : Buffer.from(joined);
  const bytes = own.buffer as ArrayBuffer;
  try {
    const body = parseJsonObject(own);
    if (job.task === 'estimate') return { id, bytes, tokens: await estimateInputTokens(body) };
    return { id, bytes, summary: summarize(body) };
  } catch (error) {
    if (!(error instanceof GatewayError)) return { id, bytes, crash: String((error as Error)?.stack ?? error) };
    const { code, status, kind, message, param } = error;
    return { id, bytes, refusal: { code, status, kind, message, param } };
  }
}

parentPort?.on('message', async (job: LargeBodyJob) => {
  const reply = await answer(job);
  parentPort?.postMessage(reply, [reply.bytes]);
});
