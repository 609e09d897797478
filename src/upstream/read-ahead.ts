import { PassThrough, pipeline, type Readable } from 'node:stream';

/** What `readAhead` read: the whole body, or its first bytes and a stream of all of it. */
export type ReadAhead = { complete: true; bytes: Buffer } | { complete: false; body: Readable };

function noop(): void {}

/** A stream of `head` followed by what is left of `rest` (errors and destruction pass both ways). */
function prefixed(head: readonly Buffer[], rest: Readable): Readable {
  const whole = new PassThrough();
  for (const chunk of head) whole.write(chunk);
  return pipeline(rest, whole, noop);
}

/**
 * Reads a body until it ends or `limit` bytes have arrived. A body that ends within the limit comes back as
 * one Buffer; a longer one as a stream that replays what was read and continues with the rest. Rejects with
 * the body's error when it breaks first, and settles (as a broken body) when it is destroyed.
 */
export function readAhead(body: Readable, limit: number): Promise<ReadAhead> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const settle = () => {
      body.off('data', onData);
      body.off('end', onEnd);
      body.off('error', onError);
      body.off('close', onClose);
    };
    const onData = (chunk: Buffer) => {
      chunks.push(chunk);
      size += chunk.length;
      if (size <= limit) return;
      settle();
      body.pause();
      resolve({ complete: false, body: prefixed(chunks, body) });
    };
    const onEnd = () => {
      settle();
      resolve({ complete: true, bytes: chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks, size) });
    };
    const onError = (error: Error) => {
      settle();
      reject(error);
    };
    const onClose = () => {
      if (body.readableEnded) return;
      settle();
      reject(Object.assign(new Error('the body was destroyed before it ended'), { code: 'UND_ERR_ABORTED' }));
    };
    body.on('data', onData);
    body.once('end', onEnd);
    body.once('error', onError);
    body.once('close', onClose);
  });
}
