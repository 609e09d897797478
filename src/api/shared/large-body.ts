import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { errors } from '../../errors/codes.js';
import { GatewayError } from '../../errors/gateway-error.js';
import { requiredBuildFile } from '../../runtime/build-file.js';
import { ownMemory } from '../../runtime/own-memory.js';
import {
  type JsonKind,
  jsonKind,
  type LargeBodyAnswer,
  type LargeBodyJob,
  type LargeBodySummary,
  type TranslatedRequest,
  type TranslationJob,
} from './large-body-protocol.js';
import type { BodyParts } from './read-body.js';

/**
 * Bodies from this size on are parsed and checked on a worker thread. Parsing JSON costs the main thread
 * roughly 10–30 ms per MiB (more for many small objects); below this size one parse stays well under a
 * millisecond or two, and a round trip to a worker would cost more than it saves.
 */
export const LARGE_BODY_BYTES = 256 * 1024;

/**
 * A body the worker has not answered for by then is refused; its worker is replaced. The wait is wall time, so
 * a loaded host reaches it with a valid body too (a stored Responses turn of 10 MiB took 1.5-2.9 s at load 16
 * on 2 vCPUs): the refusal is the gateway's 503, never a 400 that tells the client its request is wrong.
 * Tests shorten it.
 */
export const parserCap = { afterMs: 10_000 };

/** The worker's program (compiled JavaScript; from TypeScript sources, tests use the build's). */
const WORKER_FILE = 'api/shared/large-body-worker.js';

interface Pending {
  resolve(answer: LargeBodyAnswer): void;
  reject(error: Error): void;
}

/**
 * A thread with no job in hand for this long exits: its isolate holds ~8 MB that an idle gateway would keep
 * otherwise (issue 14). The next large body starts a thread again (a few tens of milliseconds). Tests shorten it.
 */
export const parserIdle = { exitAfterMs: 30_000 };

/** One worker thread and the jobs it has in hand. */
class ParserThread {
  readonly pending = new Map<number, Pending>();
  private readonly worker: Worker;
  private idleTimer: NodeJS.Timeout | undefined;
  /** Failed, or exited when idle: takes no more jobs. */
  failed = false;

  constructor() {
    this.worker = new Worker(requiredBuildFile(WORKER_FILE));
    this.worker.unref();
    this.worker.on('message', (answer: LargeBodyAnswer) => {
      const entry = this.pending.get(answer.id);
      this.pending.delete(answer.id);
      entry?.resolve(answer);
      if (this.pending.size === 0) this.exitWhenIdle();
    });
    // Typed `Error` in Node 20's types and `unknown` in newer ones (test/frameworks type-checks with those).
    this.worker.on('error', (error: unknown) => this.fail(error instanceof Error ? error : new Error(String(error))));
    this.worker.on('exit', () => this.fail(new Error('the body parser thread exited')));
  }

  send(job: LargeBodyJob, pending: Pending): void {
    clearTimeout(this.idleTimer);
    this.pending.set(job.id, pending);
    this.worker.postMessage(
      job,
      job.chunks.map((chunk) => chunk.buffer as ArrayBuffer),
    );
  }

  private exitWhenIdle(): void {
    clearTimeout(this.idleTimer);
    this.idleTimer = setTimeout(() => {
      if (this.pending.size === 0) this.fail(new Error('the body parser thread exited when idle'));
    }, parserIdle.exitAfterMs);
    this.idleTimer.unref();
  }

  fail(error: Error): void {
    if (this.failed) return;
    this.failed = true;
    clearTimeout(this.idleTimer);
    void this.worker.terminate();
    for (const entry of this.pending.values()) entry.reject(error);
    this.pending.clear();
  }
}

const POOL_SIZE = Math.max(1, Math.min(2, availableParallelism() - 1));
const threads: ParserThread[] = [];
let nextId = 1;

/** The thread with the fewest jobs in hand; threads start on first use, so a gateway that never sees a large body starts none. */
function leastBusy(): ParserThread {
  for (let i = threads.length - 1; i >= 0; i--) if (threads[i]?.failed) threads.splice(i, 1);
  if (threads.length < POOL_SIZE && threads.every((thread) => thread.pending.size > 0))
    threads.push(new ParserThread());
  let best = threads[0] as ParserThread;
  for (const thread of threads) if (thread.pending.size < best.pending.size) best = thread;
  return best;
}

/** How many parser threads are running (started and not yet exited or failed). */
export function runningParserThreads(): number {
  return threads.filter((thread) => !thread.failed).length;
}

/** Sends the body's chunks to a worker (moved, not copied) and resolves with its answer, the joined bytes included. */
function roundTrip(
  parts: BodyParts,
  task: LargeBodyJob['task'],
  extra: Pick<LargeBodyJob, 'translation'> = {},
): Promise<LargeBodyAnswer> {
  const chunks = parts.chunks.map(ownMemory);
  const thread = leastBusy();
  const id = nextId++;
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => thread.fail(errors.bodyParseTimeout()), parserCap.afterMs);
    const settle =
      <T>(done: (value: T) => void) =>
      (value: T) => {
        clearTimeout(timer);
        done(value);
      };
    thread.send({ id, chunks, task, ...extra }, { resolve: settle(resolve), reject: settle(reject) });
  });
}

/**
 * Parses and checks a large JSON body (depth, object, case-variant keys: as parseJsonObject) on a worker thread,
 * so that a body of many MiB never holds up the event loop. Returns the body as an object whose small top-level
 * fields are plain values and whose large ones (over 16 KiB, typically `messages`, `input`, `tools`) are parsed
 * on the main thread only when first read: a same-dialect passthrough, which forwards the raw bytes, never reads
 * them. The chunks are joined on the worker, and come back as `raw`; the caller's chunks are no longer usable.
 */
export async function parseLargeBody(parts: BodyParts): Promise<{ body: Record<string, unknown>; raw: Buffer }> {
  const answer = await roundTrip(parts, 'parse');
  if (!('summary' in answer)) throw failure(answer);
  const bytes = Buffer.from(answer.bytes);
  return { body: lazyBody(bytes, answer.summary), raw: bytes };
}

/** The error of an answer that has no result: the refusal rebuilt, or an internal error for a crash. */
function failure(answer: LargeBodyAnswer): Error {
  if ('refusal' in answer) {
    const { code, status, kind, message, param } = answer.refusal;
    return new GatewayError(code, status, kind, message, { param });
  }
  return new Error(`the body parser thread failed: ${'crash' in answer ? answer.crash : 'no result'}`);
}

/**
 * count_tokens' local estimate of a body, made on the parser thread (parsing it there, and tokenizing in time
 * slices). `raw` moves there and is no longer usable here.
 */
export async function estimateOffThread(raw: Buffer): Promise<number> {
  const answer = await roundTrip({ chunks: [raw], size: raw.length }, 'estimate');
  if (!('tokens' in answer)) throw failure(answer);
  return answer.tokens;
}

/** Whether the body came from parseLargeBody (its large fields are parsed on first read). */
export function isLazyBody(body: object): boolean {
  return unparsedKinds.has(body);
}

/** Whether translateOffThread can translate the body: it came from parseLargeBody and nothing replaced a field. */
export function translatesOffThread(body: object): boolean {
  return lazySources.has(body);
}

/** Where a lazy body came from: its bytes, the worker's summary, and the top-level fields set over it since. */
interface LazySource {
  raw: Buffer;
  summary: LargeBodySummary;
  fields: Record<string, unknown> | undefined;
}

const lazySources = new WeakMap<object, LazySource>();

/**
 * `{ ...body, ...fields }` for small `fields`, without parsing a lazy body's large fields on the main thread (a
 * spread would read them): a lazy body gives a lazy copy that the worker can still translate from its bytes.
 */
export function withFields(
  body: Readonly<Record<string, unknown>>,
  fields: Record<string, unknown>,
): Readonly<Record<string, unknown>> {
  const source = lazySources.get(body);
  if (!source) return { ...body, ...fields };
  const names = Object.keys(fields);
  const summary: LargeBodySummary = {
    keys: [...source.summary.keys, ...names.filter((name) => !source.summary.keys.includes(name))],
    small: { ...source.summary.small, ...fields },
    large: source.summary.large.filter(([key]) => !names.includes(key)),
  };
  return lazyBody(source.raw, summary, { ...source.fields, ...fields });
}

/**
 * The translation of a lazy body, made on a worker thread from its bytes (a copy goes there: the bytes stay
 * usable here for a passthrough target): parsing, checking, building and serialising a body of many MiB
 * would otherwise hold up the event loop for hundreds of milliseconds.
 */
export async function translateOffThread(
  body: Readonly<Record<string, unknown>>,
  translation: Omit<TranslationJob, 'fields'>,
): Promise<TranslatedRequest> {
  const source = lazySources.get(body);
  if (!source) throw new Error('translateOffThread takes a body from parseLargeBody');
  const copy = Buffer.from(source.raw);
  const answer = await roundTrip({ chunks: [copy], size: copy.length }, 'translate', {
    translation: { ...translation, fields: source.fields },
  });
  if (!('translated' in answer)) throw failure(answer);
  return answer.translated;
}

/** The JSON types of the fields of lazy bodies that are still unparsed. */
const unparsedKinds = new WeakMap<object, ReadonlyMap<string, JsonKind>>();

/**
 * The JSON type of a top-level field, without parsing a large field that is still unparsed: entry points check
 * the type of `messages` or `input` before routing, and a passthrough must not pay a parse for that.
 */
export function fieldKind(body: Readonly<Record<string, unknown>>, key: string): JsonKind | 'undefined' {
  const descriptor = Object.getOwnPropertyDescriptor(body, key);
  if (descriptor === undefined) return 'undefined';
  if (descriptor.get === undefined) return jsonKind(descriptor.value);
  return unparsedKinds.get(body)?.get(key) ?? jsonKind(body[key]);
}

/** The body as an object: small fields as values, large ones as getters that parse the whole body once. */
function lazyBody(raw: Buffer, summary: LargeBodySummary, fields?: Record<string, unknown>): Record<string, unknown> {
  let whole: Record<string, unknown> | undefined;
  const body: Record<string, unknown> = {};
  const large = new Map(summary.large);
  unparsedKinds.set(body, large);
  lazySources.set(body, { raw, summary, fields });
  for (const key of summary.keys) {
    if (!large.has(key)) {
      Object.defineProperty(body, key, {
        value: summary.small[key],
        enumerable: true,
        writable: true,
        configurable: true,
      });
      continue;
    }
    Object.defineProperty(body, key, {
      enumerable: true,
      configurable: true,
      get() {
        whole ??= JSON.parse(raw.toString('utf8')) as Record<string, unknown>;
        return whole[key];
      },
      set(value: unknown) {
        // The bytes no longer say what the body holds: translating them on the worker would miss this value.
        lazySources.delete(body);
        Object.defineProperty(body, key, { value, enumerable: true, writable: true, configurable: true });
      },
    });
  }
  return body;
}
