import type { IncomingHttpHeaders } from 'node:http';
import type { Readable } from 'node:stream';

/** The head of an upstream HTTP response and its (not yet consumed) body. */
export interface UpstreamReply {
  status: number;
  headers: IncomingHttpHeaders;
  body: Readable;
}

/** Sends one request to one target; rejects when no HTTP response arrives. */
export type SendToTarget<R extends UpstreamReply> = (attempt: { index: number }) => Promise<R>;

/** Discards a body we will not forward, so its connection returns to the pool. */
export function discardBody(reply: UpstreamReply): void {
  reply.body.on('error', () => undefined);
  reply.body.resume();
}

/** Reads a (small) error body for the record and for error pass-through; caps what it keeps. */
export async function readErrorBody(reply: UpstreamReply, cap = 64 * 1024): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  try {
    for await (const chunk of reply.body) {
      const buffer = chunk as Buffer;
      if (size < cap) chunks.push(buffer.subarray(0, cap - size));
      size += buffer.length;
    }
  } catch {
    // A broken error body is still an error; keep what arrived.
  }
  return Buffer.concat(chunks);
}
