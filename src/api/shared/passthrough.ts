import type { OutgoingHttpHeaders } from 'node:http';
import type { UpstreamReply } from '../../routing/upstream-reply.js';
import type { ClientOutput } from './client-output.js';
import { pipeBody } from './pipe-body.js';

const TAIL_BYTES = 8 * 1024;

/** Response headers worth relaying from an upstream whose bytes we forward unchanged. */
export function relayedHeaders(reply: UpstreamReply, fallbackType: string): OutgoingHttpHeaders {
  const headers: OutgoingHttpHeaders = { 'content-type': reply.headers['content-type'] ?? fallbackType };
  const length = reply.headers['content-length'];
  if (length !== undefined) headers['content-length'] = length;
  const encoding = reply.headers['content-encoding'];
  if (encoding !== undefined) headers['content-encoding'] = encoding;
  const retryAfter = reply.headers['retry-after'];
  if (retryAfter !== undefined) headers['retry-after'] = retryAfter;
  return headers;
}

/**
 * Relays a non-streamed upstream body unchanged and returns its last few KiB, where providers put `usage`.
 * A body that breaks half way destroys the client response, so the client sees a failure, not a short body.
 */
export async function relayBody(reply: UpstreamReply, out: ClientOutput): Promise<Buffer> {
  out.head(reply.status, relayedHeaders(reply, 'application/json'));
  let tail: Buffer = Buffer.alloc(0);
  try {
    await pipeBody(reply.body, out, (chunk) => {
      tail = tail.length === 0 ? chunk : Buffer.concat([tail, chunk]);
      if (tail.length > TAIL_BYTES * 2) tail = tail.subarray(tail.length - TAIL_BYTES);
      return chunk;
    });
  } catch (error) {
    out.exchange.streamError = `upstream body failed: ${(error as Error).message}`;
    out.res.destroy();
    return tail;
  }
  out.end();
  return tail;
}
