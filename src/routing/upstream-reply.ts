import type { IncomingHttpHeaders } from 'node:http';
import type { Readable } from 'node:stream';

/** The head of an upstream HTTP response and its (not yet consumed) body. */
export interface UpstreamReply {
  status: number;
  headers: IncomingHttpHeaders;
  body: Readable;
  /**
   * Set by the sender: how much of a 2xx body the attempt reads before accepting the answer (the whole body of
   * an answer relayed whole, the first event of a stream), so a body that breaks by then, or that carries an
   * error, is a failure routing can still act on (no byte has reached the client yet).
   */
  readAhead?: 'whole' | 'first-event' | 'first-message' | undefined;
  /**
   * Set by the sender for a dialect that reports some failures inside a 2xx answer (Gemini's finishReason
   * MALFORMED_FUNCTION_CALL): the failure's message in what was read ahead, which then fails the attempt as a
   * server error; undefined for an answer.
   */
  failedAnswer?: ((data: Buffer | string) => string | undefined) | undefined;
  /** The whole body, when the attempt read it (`body` has then ended: read this instead). */
  bytes?: Buffer;
  /** The start of a stream the attempt read (`body` continues after it, paused). */
  head?: Buffer;
}

/** Sends one request to one target; rejects when no HTTP response arrives. */
export type SendToTarget<R extends UpstreamReply> = (attempt: { index: number }) => Promise<R>;

/**
 * A body without the UTF-8 byte order mark some servers (.NET, a few proxies) put before their JSON: JSON.parse
 * refuses it, and JSON (RFC 8259) lets a reader ignore it. The same Buffer when there is none.
 */
export function withoutBom(body: Buffer): Buffer {
  return body[0] === 0xef && body[1] === 0xbb && body[2] === 0xbf ? body.subarray(3) : body;
}

/** Discards a body we will not forward, so its connection returns to the pool. */
export function discardBody(reply: UpstreamReply): void {
  reply.body.on('error', () => undefined);
  reply.body.resume();
}

/**
 * Reads a whole upstream body (an error body, or a JSON answer to translate), keeping at most `cap` bytes,
 * without a leading byte order mark. Event
 * listeners rather than an async iterator: this runs once per translated request and the iterator machinery
 * cost more than the copy. A body that breaks resolves with what arrived when `tolerateErrors` is set (an
 * error body is still an error), and rejects otherwise.
 */
export function readUpstreamBody(reply: UpstreamReply, cap = 64 * 1024, tolerateErrors = true): Promise<Buffer> {
  const bytes = reply.bytes;
  if (bytes) return Promise.resolve(bytes.length > cap ? bytes.subarray(0, cap) : bytes);
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let kept = 0;
    const body = reply.body;
    body.on('data', (chunk: Buffer) => {
      if (kept >= cap) return;
      const part = kept + chunk.length > cap ? chunk.subarray(0, cap - kept) : chunk;
      chunks.push(part);
      kept += part.length;
    });
    body.once('end', () =>
      resolve(withoutBom(chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks, kept))),
    );
    body.once('error', (error) => (tolerateErrors ? resolve(Buffer.concat(chunks, kept)) : reject(error)));
    body.once('close', () => {
      if (!body.readableEnded) resolve(Buffer.concat(chunks, kept));
    });
  });
}
