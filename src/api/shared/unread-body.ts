import type { IncomingMessage, ServerResponse } from 'node:http';

/** At least this much of an unread body is discarded, whatever the limit, so a modest over-limit upload ends cleanly. */
const MIN_DISCARD_BYTES = 16 * 1024 * 1024;
const DISCARD_MS = 10_000;

/**
 * Reads and discards the rest of a request body the gateway answered before reading it all (413, 401, ...).
 * Closing the connection instead would make the kernel reset it while the client is still sending, and the
 * client would then see a connection error (the SDKs' "Connection error.", and retries) instead of the answer.
 * The discarding is bounded: past twice the body limit (at least 16 MiB) or 10 seconds, the connection is
 * dropped after all.
 *
 * When the connection is to close after the answer (the client sent `Connection: close`, or the body is declared
 * over the limit, so the answer says `Connection: close`), Node closes it as soon as the answer ends, which
 * resets it under a client still uploading (EPIPE). Given `res`, the answer's bytes go out at once but its end
 * waits for the body to be drained, within the same bound.
 */
export function discardUnreadBody(
  req: IncomingMessage,
  limit: number,
  res?: ServerResponse,
  waitMs = DISCARD_MS,
): void {
  if (req.complete || req.destroyed) return;
  const maxBytes = Math.max(2 * limit, MIN_DISCARD_BYTES);
  let seen = 0;
  let finished = false;
  // Bytes that arrived while the event loop was busy are read before the deadline is enforced: timers run
  // before I/O in a loop turn, so a body that did end in time must not be cut off for being read late.
  const timer = setTimeout(() => setImmediate(() => finished || drop()), waitMs);
  timer.unref();
  const declared = Number(req.headers?.['content-length']);
  // A body declared over the limit is the one most likely to be cut off: the answer says the connection
  // closes, so no client sends its next request on a connection the gateway may drop under it.
  if (res && declared > limit && !res.headersSent) res.setHeader('connection', 'close');
  const release = res && (!res.shouldKeepAlive || declared > limit) ? holdEnd(res) : undefined;
  const onData = (chunk: Buffer) => {
    seen += chunk.length;
    if (seen > maxBytes) drop();
  };
  const done = () => {
    finished = true;
    clearTimeout(timer);
    req.off('data', onData);
    release?.();
  };
  const drop = () => {
    done();
    req.socket.destroy();
  };
  req.on('data', onData);
  req.once('end', done);
  req.once('close', done);
  req.resume();
}

type End = ServerResponse['end'];

/**
 * Lets `res.end(data)` send its data now but defers the end itself (after which Node closes the connection)
 * until the returned function is called.
 */
function holdEnd(res: ServerResponse): () => void {
  const end = res.end;
  let released = false;
  let ended = false;
  let callback: (() => void) | undefined;
  res.end = function heldEnd(this: ServerResponse, ...args: unknown[]) {
    if (released) return end.apply(this, args as Parameters<End>);
    const [chunk, encoding, cb] = args;
    callback = [chunk, encoding, cb].find((arg): arg is () => void => typeof arg === 'function');
    if (chunk !== undefined && typeof chunk !== 'function') {
      res.write(chunk as string | Uint8Array, typeof encoding === 'string' ? (encoding as BufferEncoding) : 'utf8');
    }
    ended = true;
    return this;
  } as End;
  return () => {
    if (released) return;
    released = true;
    res.end = end;
    if (ended) res.end(callback);
  };
}
