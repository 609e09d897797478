import { usageFromAnthropicEvent } from '../../translate/anthropic/usage.js';
import type { IrUsage } from '../../translate/ir/types.js';
import { eventSpanAt } from '../../upstream/sse-event-span.js';
import { SseFramer } from '../../upstream/sse-framer.js';
import { parseSseEvents } from '../../upstream/sse-parse.js';
import { forwardedTail } from '../../upstream/sse-tail.js';

/**
 * The events the tap reads, by their data's `type` (a literal `"type"` key cannot occur inside a JSON string,
 * whose quotes are escaped): one regex pass over the block's latin1 view, ~1 µs per 5 KB, where decoding every
 * event of a 20-delta stream costs ten times that.
 */
const WATCHED = /"type"\s*:\s*"(message_start|message_delta|message_stop|error)"/g;

/**
 * Watches an Anthropic Messages stream forwarded byte for byte: decodes only the events that carry usage or an
 * error, and notes whether `message_stop` arrived, so a stream cut short is never taken for a complete one.
 */
export class MessagesStreamTap {
  private readonly framer = new SseFramer();
  usage: IrUsage | undefined;
  /** Whether `message_delta` brought the final output count (else `usage` has message_start's only). */
  sawFinalUsage = false;
  /** Characters of text, thinking and tool input produced so far: the estimate when the final count never came. */
  producedChars = 0;
  sawStop = false;
  upstreamError: string | undefined;

  push(chunk: Buffer): Buffer | undefined {
    const complete = this.framer.push(chunk);
    if (!complete) return complete;
    const cut = this.inspect(complete);
    return cut === complete.length ? complete : complete.subarray(0, cut);
  }

  /** Whatever was left unframed at the end of the upstream body, as far as it is to be forwarded (see forwardedTail). */
  end(): Buffer | undefined {
    const rest = this.framer.end();
    // Only what is forwarded is inspected: a message_stop cut inside its data is no stop the client got.
    const whole = rest && forwardedTail(rest);
    if (whole) this.inspect(whole);
    return whole;
  }

  /**
   * Reads the block's watched events; returns where the block is to end: after the upstream's error event, which
   * ends the stream (nothing the same read holds after it is forwarded), else at its end.
   */
  private inspect(bytes: Buffer): number {
    const text = bytes.toString('latin1');
    this.producedChars += deltaCharacters(text);
    WATCHED.lastIndex = 0;
    for (let match = WATCHED.exec(text); match !== null; match = WATCHED.exec(text)) {
      const type = match[1];
      if (type === 'message_stop') {
        this.sawStop = true;
        continue;
      }
      const span = eventSpanAt(text, match.index);
      WATCHED.lastIndex = Math.max(WATCHED.lastIndex, span.end);
      const event = parseSseEvents(bytes.toString('utf8', span.start, span.end))[0];
      if (event === undefined) continue;
      if (type === 'error') {
        this.upstreamError = errorMessage(event.data);
        return span.end;
      }
      this.usage = usageFromAnthropicEvent(event, this.usage) ?? this.usage;
      if (type === 'message_delta') this.sawFinalUsage = true;
    }
    return bytes.length;
  }
}

/**
 * The values of delta text fields in a block (`"text":"…"`, `"thinking":"…"`, `"partial_json":"…"`), measured
 * without decoding: such a key with an unescaped `":"` cannot occur inside a JSON string, and the value ends at
 * the next quote not escaped. Bytes, not characters, for non-Latin text: an estimate either way.
 */
const DELTA_VALUE = /"(?:text|thinking|partial_json)":"/g;

function deltaCharacters(text: string): number {
  let total = 0;
  DELTA_VALUE.lastIndex = 0;
  for (let match = DELTA_VALUE.exec(text); match !== null; match = DELTA_VALUE.exec(text)) {
    let end = DELTA_VALUE.lastIndex;
    while (end < text.length && text.charCodeAt(end) !== 0x22 /* " */) end += text.charCodeAt(end) === 0x5c ? 2 : 1;
    total += end - DELTA_VALUE.lastIndex;
    DELTA_VALUE.lastIndex = end + 1;
  }
  return total;
}

function errorMessage(data: string): string {
  try {
    const parsed = JSON.parse(data) as { error?: { type?: string; message?: string } };
    return `${parsed.error?.type ?? 'error'}: ${parsed.error?.message ?? ''}`;
  } catch {
    return data.slice(0, 200);
  }
}
