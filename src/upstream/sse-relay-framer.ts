import { datalessEvents, type EventSpan, withoutSpans } from './sse-dataless.js';
import { SseFramer } from './sse-framer.js';
import { forwardedTail } from './sse-tail.js';

/**
 * An `event:` line whose next line is not a data line: the only place an event without data can start. Every
 * event of a Responses stream has an `event:` line, so the exact (parsing) search runs only where this matches.
 */
const EVENT_LINE_WITHOUT_DATA = /(?:^|[\r\n])event:[^\r\n]*(?:\r\n|\r|\n)(?!data[:\r\n])/;

/**
 * Frames an SSE stream a same-dialect relay forwards whole events of, for a relay with no tap of its own (the
 * Responses passthrough): `push` returns the complete events read so far, without those that have an `event:`
 * line but no data, and `end` what of an unterminated last event may follow (see forwardedTail), so the
 * gateway's error event after a cut is never glued onto half an event.
 */
export class SseRelayFramer {
  private readonly framer = new SseFramer();

  push(chunk: Buffer): Buffer | undefined {
    const complete = this.framer.push(chunk);
    return complete ? withoutDataless(complete) : undefined;
  }

  end(): Buffer | undefined {
    const rest = this.framer.end();
    return rest ? forwardedTail(rest) : undefined;
  }
}

function withoutDataless(bytes: Buffer): Buffer {
  const text = bytes.toString('latin1');
  if (!EVENT_LINE_WITHOUT_DATA.test(text)) return bytes;
  const spans: EventSpan[] = [];
  datalessEvents(text, spans);
  return spans.length === 0 ? bytes : withoutSpans(bytes, spans);
}
