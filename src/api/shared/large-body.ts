import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { errors } from '../../errors/codes.js';
import { GatewayError } from '../../errors/gateway-error.js';
import type { LargeBodyAnswer, LargeBodySummary } from './large-body-protocol.js';

/**
 * Bodies from this size on are parsed and checked on a worker thread. Parsing JSON costs the main thread
 * roughly 10–30 ms per MiB (more for many small objects); below this size one parse stays well under a
 * millisecond or two, and a round trip to a worker would cost more than it saves.
 */
export const LARGE_BODY_BYTES = 256 * 1024;

/** A body the worker has not answered for by then is refused; its worker is replaced. */
const PARSE_CAP_MS = 10_000;

/** Worker threads need compiled JavaScript; when running from TypeScript sources (tests) use the build. */
function workerFile(): string {
  const here = import.meta.url;
  const url = here.endsWith('.ts')
    ? new URL('../../../dist/api/shared/large-body-worker.js', here)
    : new URL('./large-body-worker.js', here);
  const path = fileURLToPath(url);
  if (!existsSync(path)) throw new Error(`${path} is missing; run "npm run build" first`);
  return path;
}

interface Pending {
  resolve(answer: LargeBodyAnswer): void;
  reject(error: Error): void;
}

/** One worker thread and the jobs it has in hand. */
class ParserThread {
  readonly pending = new Map<number, Pending>();
  private readonly worker: Worker;
  failed = false;

  constructor() {
    this.worker = new Worker(workerFile());
    this.worker.unref();
    this.worker.on('message', (answer: LargeBodyAnswer) => {
      const entry = this.pending.get(answer.id);
      this.pending.delete(answer.id);
      entry?.resolve(answer);
    });
    this.worker.on('error', (error) => this.fail(error));
    this.worker.on('exit', () => this.fail(new Error('the body parser thread exited')));
  }

  send(id: number, bytes: ArrayBuffer, pending: Pending): void {
    this.pending.set(id, pending);
    this.worker.postMessage({ id, bytes }, [bytes]);
  }

  fail(error: Error): void {
    if (this.failed) return;
    this.failed = true;
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

/** Sends the body's bytes to a worker and back (moved, not copied); resolves with the worker's answer. */
function roundTrip(raw: Buffer): Promise<LargeBodyAnswer> {
  // A body that shares its memory with something else is copied once, so the move cannot take that along.
  const own = raw.byteOffset === 0 && raw.buffer.byteLength === raw.length ? raw : Buffer.from(raw);
  const thread = leastBusy();
  const id = nextId++;
  return new Promise((resolve, reject) => {
    const timer = setTimeout(
      () => thread.fail(errors.invalidBody('the request body took too long to parse')),
      PARSE_CAP_MS,
    );
    const settle =
      <T>(done: (value: T) => void) =>
      (value: T) => {
        clearTimeout(timer);
        done(value);
      };
    thread.send(id, own.buffer as ArrayBuffer, { resolve: settle(resolve), reject: settle(reject) });
  });
}

/**
 * Parses and checks a large JSON body (depth, object, case-variant keys: as parseJsonObject) on a worker thread,
 * so that a body of many MiB never holds up the event loop. Returns the body as an object whose small top-level
 * fields are plain values and whose large ones (over 16 KiB, typically `messages`, `input`, `tools`) are parsed
 * on the main thread only when first read: a same-dialect passthrough, which forwards the raw bytes, never reads
 * them. `raw` is handed back with its bytes in place.
 */
export async function parseLargeBody(raw: Buffer): Promise<{ body: Record<string, unknown>; raw: Buffer }> {
  const answer = await roundTrip(raw);
  const bytes = Buffer.from(answer.bytes);
  if ('refusal' in answer) {
    const { code, status, kind, message, param } = answer.refusal;
    throw new GatewayError(code, status, kind, message, { param });
  }
  if ('crash' in answer) throw new Error(`parsing a large body failed: ${answer.crash}`);
  return { body: lazyBody(bytes, answer.summary), raw: bytes };
}

/** The body as an object: small fields as values, large ones as getters that parse the whole body once. */
function lazyBody(raw: Buffer, summary: LargeBodySummary): Record<string, unknown> {
  let whole: Record<string, unknown> | undefined;
  const body: Record<string, unknown> = {};
  const large = new Set(summary.large);
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
        Object.defineProperty(body, key, { value, enumerable: true, writable: true, configurable: true });
      },
    });
  }
  return body;
}
