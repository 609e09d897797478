import { StringDecoder } from 'node:string_decoder';
import { SseFramer } from './sse-framer.js';
import { parseSseEvents, type SseEvent } from './sse-parse.js';

/** Incremental SSE decoder: bytes in, complete events out (UTF-8 safe across chunk splits). */
export class SseDecoder {
  private readonly framer = new SseFramer();
  private readonly text = new StringDecoder('utf8');

  push(chunk: Buffer): SseEvent[] {
    const complete = this.framer.push(chunk);
    return complete ? parseSseEvents(this.text.write(complete)) : [];
  }

  end(): SseEvent[] {
    const rest = this.framer.end();
    const text = (rest ? this.text.write(rest) : '') + this.text.end();
    return text ? parseSseEvents(text) : [];
  }
}
