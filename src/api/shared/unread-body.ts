import type { IncomingMessage } from 'node:http';

/** At least this much of an unread body is discarded, whatever the limit, so a modest over-limit upload ends cleanly. */
const MIN_DISCARD_BYTES = 16 * 1024 * 1024;
const DISCARD_MS = 10_000;

/**
 * Reads and discards the rest of a request body the gateway answered before reading it all (413, 401, ...).
 * Closing the connection instead would make the kernel reset it while the client is still sending, and the
 * client would then see a connection error (the SDKs' "Connection error.", and retries) instead of the answer.
 * The discarding is bounded: past twice the body limit (at least 16 MiB) or 10 seconds, the connection is
 * dropped after all.
 */
export function discardUnreadBody(req: IncomingMessage, limit: number): void {
  if (req.complete || req.destroyed) return;
  const maxBytes = Math.max(2 * limit, MIN_DISCARD_BYTES);
  let seen = 0;
  const timer = setTimeout(() => drop(), DISCARD_MS);
  timer.unref();
  const onData = (chunk: Buffer) => {
    seen += chunk.length;
    if (seen > maxBytes) drop();
  };
  const done = () => {
    clearTimeout(timer);
    req.off('data', onData);
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
