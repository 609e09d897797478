import { PassThrough, pipeline, type Readable } from 'node:stream';
import { firstEventStreamMessage } from './eventstream-decoder.js';
import { eventSpanAt } from './sse-event-span.js';
import { lastEventBoundary } from './sse-framer.js';
import { parseSseEvents, type SseEvent } from './sse-parse.js';

/** What `readAhead` read: the whole body, or its first bytes and a stream of all of it. */
export type ReadAhead = { complete: true; bytes: Buffer } | { complete: false; body: Readable };

/** The start of an event stream, up to its first data event. */
export interface StreamStart {
  head: Buffer;
  /** The first event, when it carries data (undefined for a comment or keep-alive, or none yet). */
  first: SseEvent | undefined;
  ended: boolean;
}

function noop(): void {}

/**
 * Reads `body` until `onData` returns a result (the rest stays buffered in the paused body) or the body ends
 * (`onEnd`). Rejects with the body's error when it breaks first, or an abort error when it is destroyed.
 * Paused-mode reads hand over everything that has arrived at once, so a stream whose events came in one
 * network read is seen (and later relayed) as one chunk rather than an event at a time.
 */
function readUntil<T>(body: Readable, onData: (chunk: Buffer) => T | undefined, onEnd: () => T): Promise<T> {
  return new Promise((resolve, reject) => {
    const settle = () => {
      body.off('readable', readable);
      body.off('end', end);
      body.off('error', fail);
      body.off('close', close);
    };
    const readable = () => {
      for (let chunk: Buffer | null = body.read(); chunk !== null; chunk = body.read()) {
        const result = onData(chunk);
        if (result === undefined) continue;
        settle();
        resolve(result);
        return;
      }
    };
    const end = () => {
      settle();
      resolve(onEnd());
    };
    const fail = (error: Error) => {
      settle();
      reject(error);
    };
    const close = () => {
      if (body.readableEnded) return;
      settle();
      reject(Object.assign(new Error('the body was destroyed before it ended'), { code: 'UND_ERR_ABORTED' }));
    };
    // `on`, not `once`: settle removes all four, and `once` wraps each listener in two objects per request.
    body.on('readable', readable);
    body.on('end', end);
    body.on('error', fail);
    body.on('close', close);
  });
}

/** A stream of `head` followed by what is left of `rest` (errors and destruction pass both ways). */
function prefixed(head: readonly Buffer[], rest: Readable): Readable {
  const whole = new PassThrough();
  for (const chunk of head) whole.write(chunk);
  return pipeline(rest, whole, noop);
}

/**
 * Reads a body until it ends or `limit` bytes have arrived. A body that ends within the limit comes back as
 * one Buffer; a longer one as a stream that replays what was read and continues with the rest.
 */
export async function readAhead(body: Readable, limit: number): Promise<ReadAhead> {
  const chunks: Buffer[] = [];
  let size = 0;
  const ended = await readUntil(
    body,
    (chunk) => {
      chunks.push(chunk);
      size += chunk.length;
      return size > limit ? false : undefined;
    },
    () => true,
  );
  // Built once the body is paused, so that the pipe owns its flow control from here on.
  if (!ended) return { complete: false, body: prefixed(chunks, body) };
  return { complete: true, bytes: chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks, size) };
}

/**
 * The first complete event at the start of `data`: `{ event }` for one with data, `{ event: undefined }` for a
 * comment or keep-alive, undefined while none is complete. Events are decoded one at a time from the front: a
 * whole stream often arrives in one read, and only its first event is wanted here.
 */
function firstEvent(data: Buffer): { event: SseEvent | undefined } | undefined {
  const complete = lastEventBoundary(data);
  if (complete === -1) return undefined;
  const end = firstEventEnd(data, complete);
  return { event: parseSseEvents(data.toString('utf8', 0, end))[0] };
}

/** Bytes of text decoded at first when looking for the first event's end: most first events are shorter. */
const FIRST_LOOK_BYTES = 1024;

/**
 * Where the first event of `data[0, complete)` ends. The latin1 text it is found in grows from a short prefix
 * until that holds the event's end: a whole stream often arrives in one read, and decoding all of it (~5 KB
 * for a short answer) to find the first ~200-byte event was most of what a relayed stream allocated here. An
 * end found before the prefix's last byte is the one the whole text gives (the blank line after it ends inside
 * the prefix); at the prefix's end, the blank line may run on, so the prefix grows.
 */
function firstEventEnd(data: Buffer, complete: number): number {
  for (let size = FIRST_LOOK_BYTES; ; size *= 4) {
    const length = Math.min(size, complete);
    const { end } = eventSpanAt(data.toString('latin1', 0, length), 0);
    if (end < length || length === complete) return end;
  }
}

/**
 * Reads an event stream until its first event has arrived whole, the body ends, or `limit` bytes arrived; the
 * rest stays in the body for the relay. A first event that is a comment or keep-alive ends the wait too: the
 * upstream is alive and working (a reasoning model may send only keep-alives for minutes), and holding the
 * client's response head that long would let idle timeouts between the client and the gateway cut it.
 */
export function readStreamStart(body: Readable, limit: number): Promise<StreamStart> {
  let head: Buffer = Buffer.alloc(0);
  return readUntil<StreamStart>(
    body,
    (chunk) => {
      head = head.length === 0 ? chunk : Buffer.concat([head, chunk]);
      const first = firstEvent(head);
      return first || head.length > limit ? { head, first: first?.event, ended: false } : undefined;
    },
    // An unterminated last event still counts once the body has ended.
    () => ({ head, first: firstEvent(Buffer.concat([head, Buffer.from('\n\n')]))?.event, ended: true }),
  );
}

/**
 * The same for the AWS binary event stream: reads until its first message has arrived whole (its length is in
 * the prelude), the body ends, or `limit` bytes arrived; that message comes back decoded, as the stream
 * decoders see it (`exception:<type>` for an exception message).
 */
export function readEventStreamStart(body: Readable, limit: number): Promise<StreamStart> {
  let head: Buffer = Buffer.alloc(0);
  return readUntil<StreamStart>(
    body,
    (chunk) => {
      head = head.length === 0 ? chunk : Buffer.concat([head, chunk]);
      const first = firstEventStreamMessage(head);
      return first || head.length > limit ? { head, first, ended: false } : undefined;
    },
    () => ({ head, first: firstEventStreamMessage(head), ended: true }),
  );
}
