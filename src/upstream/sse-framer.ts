const LF = 0x0a;
const CR = 0x0d;

/** Index just past the last blank line (event boundary) in `data`, or -1. Handles LF, CRLF and CR line ends. */
export function lastEventBoundary(data: Buffer): number {
  for (let i = data.length - 1; i > 0; i--) {
    const byte = data[i];
    if (byte === LF) {
      if (data[i - 1] === LF) return i + 1;
      if (data[i - 1] === CR && i >= 3 && data[i - 2] === LF && data[i - 3] === CR) return i + 1;
    } else if (byte === CR && data[i - 1] === CR && data[i + 1] !== LF) {
      return i + 1;
    }
  }
  return -1;
}

/** Largest single event accepted from an upstream; a bigger one fails the stream like any broken answer. */
export const MAX_EVENT_BYTES = 8 * 1024 * 1024;

/** The error an upstream gets for an event over the limit (coded, so routing treats it as the upstream's fault). */
export function eventTooLarge(limit: number): Error {
  return Object.assign(new Error(`an upstream event exceeded ${limit} bytes`), {
    code: 'EGATEWAY_SSE_EVENT_TOO_LARGE',
  });
}

/**
 * Cuts an SSE byte stream at event boundaries without decoding it: each `push` returns the complete events
 * received so far (as raw bytes, ready to forward) and keeps the unfinished tail for the next chunk.
 *
 * Only the new chunk is scanned (with the few bytes before it, for a blank line split across chunks), and an
 * unfinished event is kept as a list of chunks joined once it completes: a 50 MiB event arriving in small
 * reads once cost a rescan and a copy of everything so far on every read, and stalled the event loop.
 */
export class SseFramer {
  private pending: Buffer[] = [];
  private pendingSize = 0;

  constructor(private readonly maxEvent = MAX_EVENT_BYTES) {}

  push(chunk: Buffer): Buffer | undefined {
    const boundary = this.pendingSize === 0 ? lastEventBoundary(chunk) : this.boundaryAfterPending(chunk);
    if (boundary === -1) {
      this.keep(chunk);
      return undefined;
    }
    const complete =
      this.pendingSize === 0 ? chunk : Buffer.concat([...this.pending, chunk], this.pendingSize + chunk.length);
    const cut = this.pendingSize + boundary;
    this.pending = [];
    this.pendingSize = 0;
    if (cut < complete.length) this.keep(complete.subarray(cut));
    return cut === complete.length ? complete : complete.subarray(0, cut);
  }

  /** Whatever is left after the stream ended (an unterminated last event). */
  end(): Buffer | undefined {
    if (this.pendingSize === 0) return undefined;
    const rest = this.pending.length === 1 ? this.pending[0] : Buffer.concat(this.pending, this.pendingSize);
    this.pending = [];
    this.pendingSize = 0;
    return rest;
  }

  private keep(part: Buffer): void {
    this.pending.push(part);
    this.pendingSize += part.length;
    if (this.pendingSize > this.maxEvent) throw eventTooLarge(this.maxEvent);
  }

  /** The boundary in `chunk` (as an index into it), looking back into the pending bytes for a split blank line. */
  private boundaryAfterPending(chunk: Buffer): number {
    const inChunk = lastEventBoundary(chunk);
    if (inChunk !== -1) return inChunk;
    const before = lastBytes(this.pending, 3);
    const seam = Buffer.concat([before, chunk.subarray(0, 3)]);
    const atSeam = lastEventBoundary(seam);
    return atSeam > before.length ? atSeam - before.length : -1;
  }
}

function lastBytes(chunks: readonly Buffer[], count: number): Buffer {
  const last = chunks[chunks.length - 1] as Buffer;
  if (last.length >= count || chunks.length === 1) return last.subarray(Math.max(0, last.length - count));
  return Buffer.concat(chunks.slice(-count)).subarray(-count);
}
