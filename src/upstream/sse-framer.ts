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

/**
 * Cuts an SSE byte stream at event boundaries without decoding it: each `push` returns the complete events
 * received so far (as raw bytes, ready to forward) and keeps the unfinished tail for the next chunk.
 */
export class SseFramer {
  private tail: Buffer | undefined;

  push(chunk: Buffer): Buffer | undefined {
    const data = this.tail ? Buffer.concat([this.tail, chunk]) : chunk;
    const boundary = lastEventBoundary(data);
    if (boundary === -1) {
      this.tail = data;
      return undefined;
    }
    this.tail = boundary < data.length ? data.subarray(boundary) : undefined;
    return boundary === data.length ? data : data.subarray(0, boundary);
  }

  /** Whatever is left after the stream ended (an unterminated last event). */
  end(): Buffer | undefined {
    const rest = this.tail;
    this.tail = undefined;
    return rest;
  }
}
