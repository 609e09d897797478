import type { Readable } from 'node:stream';
import type { ClientOutput } from './client-output.js';

/**
 * Forwards an upstream body to the client as it arrives, with backpressure. `transform` may inspect or rewrite
 * each chunk (return undefined to hold it back). Resolves when the upstream ends; rejects with the upstream's
 * error when the body breaks. A client that goes away destroys the upstream body, which aborts the upstream
 * request.
 *
 * The body is read in paused mode: each `read()` returns everything that has arrived, so a network read that
 * carries many small HTTP chunks (an SSE stream's events) is transformed and written once, where flowing mode
 * would hand over and write every chunk on its own (a chunked-encoding frame and three iovecs each).
 *
 * `head` is the start of the body that routing already read (the body continues after it, or has ended).
 */
export function pipeBody(
  body: Readable,
  out: ClientOutput,
  transform: (chunk: Buffer) => Buffer | string | undefined = (chunk) => chunk,
  head?: Buffer,
): Promise<void> {
  return new Promise((resolve, reject) => {
    const res = out.res;
    let draining = false;
    if (head) {
      const output = transform(head);
      if (output !== undefined && output.length > 0) draining = !out.write(output);
    }
    if (body.readableEnded) {
      resolve();
      return;
    }
    const pump = () => {
      if (draining) return;
      for (let chunk: Buffer | null = body.read(); chunk !== null; chunk = body.read()) {
        let output: Buffer | string | undefined;
        try {
          output = transform(chunk);
        } catch (error) {
          // A tap that refuses the stream (an event over the size limit) ends it as a broken upstream body.
          body.destroy(error as Error);
          return;
        }
        if (output !== undefined && output.length > 0 && !out.write(output)) {
          draining = true;
          return;
        }
      }
    };
    const onClose = () => {
      if (!res.writableFinished) body.destroy();
    };
    const onDrain = () => {
      draining = false;
      pump();
    };
    const onEnd = () => {
      settle();
      resolve();
    };
    const onError = (error: Error) => {
      settle();
      reject(error);
    };
    const onBodyClose = () => {
      // Destroyed by a client disconnect: neither 'end' nor 'error' will come.
      if (!body.readableEnded) {
        settle();
        resolve();
      }
    };
    const settle = () => {
      res.off('close', onClose);
      res.off('drain', onDrain);
      body.off('readable', pump);
      body.off('end', onEnd);
      body.off('close', onBodyClose);
      // The error listener stays: a body destroyed with an error later must not throw for want of one.
    };
    // `on`, not `once`, which wraps each listener in two objects per response.
    res.on('close', onClose);
    res.on('drain', onDrain);
    body.on('readable', pump);
    body.on('end', onEnd);
    body.on('error', onError);
    body.on('close', onBodyClose);
    // What routing's read-ahead left buffered announces no new 'readable' to a listener added in the same tick.
    pump();
  });
}
