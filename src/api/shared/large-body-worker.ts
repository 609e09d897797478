import { parentPort } from 'node:worker_threads';
import { GatewayError } from '../../errors/gateway-error.js';
import { ownMemory } from '../../runtime/own-memory.js';
import { anthropicClientCodec } from '../../translate/anthropic/codec.js';
import type { ClientCodec } from '../../translate/contract.js';
import { openaiChatClientCodec } from '../../translate/openai-chat/codec.js';
import { responsesClientCodec } from '../../translate/responses/codec.js';
import { itemIds, listedItems } from '../../translate/responses/listed-items.js';
import { HintReport, mergeDropped } from '../../translate/shared/hint-report.js';
import { estimateInputTokens } from '../anthropic/input-estimate.js';
import {
  type ClientCodecName,
  type JsonKind,
  jsonKind,
  type LargeBodyAnswer,
  type LargeBodyJob,
  type LargeBodySummary,
  type TranslatedRequest,
  type TranslationJob,
} from './large-body-protocol.js';
import { parseJsonObject } from './read-body.js';
import { upstreamRequestText } from './upstream-request.js';

const clientCodecs: Readonly<Record<ClientCodecName, ClientCodec>> = {
  'openai-chat': openaiChatClientCodec,
  anthropic: anthropicClientCodec,
  responses: responsesClientCodec,
};

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

/** Parses the request into the IR and builds the target's upstream body, exactly as translatedPlan does. */
function translate(parsed: Record<string, unknown>, job: TranslationJob): TranslatedRequest {
  const body = job.fields ? { ...parsed, ...job.fields } : parsed;
  const client = clientCodecs[job.client];
  const report = new HintReport(job.strict);
  const ir = client.parseRequest(body, report);
  const clientDropped = mergeDropped(job.dropped, report.dropped);
  if (!job.target) {
    const listed = job.listStem === undefined ? undefined : listedItems(body.input, itemIds(job.listStem));
    // As bytes: a string of 10 MiB would be copied into the main thread's heap, and stay a string there.
    const bytes = listed && ownMemory(Buffer.from(JSON.stringify(listed), 'utf8')).buffer;
    return { upstream: undefined, stream: ir.stream, dropped: clientDropped, listed: bytes as ArrayBuffer | undefined };
  }
  const built = upstreamRequestText(client, body, ir, clientDropped, job.strict, job.target);
  const own = ownMemory(Buffer.from(built.body, 'utf8'));
  return { upstream: own.buffer as ArrayBuffer, stream: ir.stream, dropped: built.dropped, toolNames: built.toolNames };
}

async function answer(job: LargeBodyJob): Promise<LargeBodyAnswer> {
  const { id, chunks } = job;
  const joined = Buffer.concat(chunks);
  // Buffer.concat may hand out a slice of a shared pool for a small total; the answer moves its own memory back.
  const own = ownMemory(joined);
  const bytes = own.buffer as ArrayBuffer;
  try {
    const body = parseJsonObject(own);
    if (job.task === 'estimate') return { id, bytes, tokens: await estimateInputTokens(body) };
    if (job.task === 'translate' && job.translation) return { id, bytes, translated: translate(body, job.translation) };
    return { id, bytes, summary: summarize(body) };
  } catch (error) {
    if (!(error instanceof GatewayError)) return { id, bytes, crash: String((error as Error)?.stack ?? error) };
    const { code, status, kind, message, param } = error;
    return { id, bytes, refusal: { code, status, kind, message, param } };
  }
}

parentPort?.on('message', async (job: LargeBodyJob) => {
  const reply = await answer(job);
  const moved: ArrayBuffer[] = [reply.bytes];
  if ('translated' in reply) {
    if (reply.translated.upstream) moved.push(reply.translated.upstream);
    if (reply.translated.listed) moved.push(reply.translated.listed);
  }
  parentPort?.postMessage(reply, moved);
});
