import { SseFramer } from './sse-framer.js';
import { parseSseEvents, type SseEvent } from './sse-parse.js';

/**
 * Incremental SSE decoder: bytes in, complete events out. The framer cuts only after a line end, and a UTF-8
 * character never contains an LF or CR byte, so every cut is also a character boundary: no decoder state has
 * to carry a split character from one chunk to the next.
 */
export class SseDecoder {
  private readonly framer = new SseFramer();

  push(chunk: Buffer): SseEvent[] {
    const complete = this.framer.push(chunk);
    return complete ? parseSseEvents(complete.toString('utf8')) : [];
  }

  end(): SseEvent[] {
    const rest = this.framer.end();
    return rest ? parseSseEvents(rest.toString('utf8')) : [];
  }
}
