import { SseFramer } from './sse-framer.js';
import { parseSseEvents, type SseEvent } from './sse-parse.js';

/** UTF-8's byte order mark, which the SSE spec's decoding strips from the start of a stream. */
const BOM = Buffer.from([0xef, 0xbb, 0xbf]);

/**
 * Incremental SSE decoder: bytes in, complete events out. The framer cuts only after a line end, and a UTF-8
 * character never contains an LF or CR byte, so every cut is also a character boundary: no decoder state has
 * to carry a split character from one chunk to the next.
 */
export class SseDecoder {
  private readonly framer = new SseFramer();
  /** Whether the stream's first block is still to come: only it may begin with a byte order mark. */
  private atStart = true;

  push(chunk: Buffer): SseEvent[] {
    const complete = this.framer.push(chunk);
    return complete ? parseSseEvents(this.text(complete)) : [];
  }

  end(): SseEvent[] {
    const rest = this.framer.end();
    return rest ? parseSseEvents(this.text(rest)) : [];
  }

  /**
   * A block as text. A byte order mark left before the first line would make its first field name
   * "\uFEFFdata", and the stream's first event (a Gemini answer's first words) would be dropped unseen.
   */
  private text(block: Buffer): string {
    if (!this.atStart) return block.toString('utf8');
    this.atStart = false;
    const start = block.subarray(0, BOM.length).equals(BOM) ? BOM.length : 0;
    return block.toString('utf8', start);
  }
}
