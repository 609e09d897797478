import type { Readable } from 'node:stream';
import type { ClientOutput } from './client-output.js';

/**
 * Forwards an upstream body to the client chunk by chunk with backpressure. `transform` may inspect or
 * rewrite each chunk (return undefined to hold it back). Resolves when the upstream ends; rejects with the
 * upstream's error when the body breaks. A client that goes away destroys the upstream body, which aborts
 * the upstream request.
 */
export function pipeBody(
  body: Readable,
  out: ClientOutput,
  transform: (chunk: Buffer) => Buffer | string | undefined = (chunk) => chunk,
): Promise<void> {
  return new Promise((resolve, reject) => {
    const res = out.res;
    const onClose = () => {
      if (!res.writableFinished) body.destroy();
    };
    const onDrain = () => body.resume();
    const settle = () => {
      res.off('close', onClose);
      res.off('drain', onDrain);
    };
    res.on('close', onClose);
    res.on('drain', onDrain);
    body.on('data', (chunk: Buffer) => {
      const output = transform(chunk);
      if (output !== undefined && output.length > 0 && !out.write(output)) body.pause();
    });
    body.once('end', () => {
      settle();
      resolve();
    });
    body.once('error', (error) => {
      settle();
      reject(error);
    });
    body.once('close', () => {
      // Destroyed by a client disconnect: neither 'end' nor 'error' will come.
      if (!body.readableEnded) {
        settle();
        resolve();
      }
    });
  });
}
