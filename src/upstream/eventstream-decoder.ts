import { createRequire } from 'node:module';
import type { EventStreamCodec } from '@smithy/eventstream-codec';
import type { SseEvent } from './sse-parse.js';

const utf8 = new TextDecoder();
const encoder = new TextEncoder();
/**
 * The codec checks each message's prelude and message CRCs and parses its typed headers. Loaded (synchronously,
 * its CommonJS build) by the first Bedrock stream, so gateways without Bedrock never load it.
 */
let codecRef: EventStreamCodec | undefined;
function codec(): EventStreamCodec {
  if (!codecRef) {
    const { EventStreamCodec: Codec } = createRequire(import.meta.url)(
      '@smithy/eventstream-codec',
    ) as typeof import('@smithy/eventstream-codec');
    codecRef = new Codec(
      (bytes: Uint8Array) => utf8.decode(bytes),
      (text: string) => encoder.encode(text),
    );
  }
  return codecRef;
}

/**
 * Incremental decoder of the AWS binary event stream (application/vnd.amazon.eventstream): bytes in, whole
 * messages out, handed on in the shape the stream decoders take: `event` is the `:event-type` header, or
 * `exception:<:exception-type>` for an exception message, and `data` the UTF-8 payload. Messages are cut by
 * the total length in their prelude; the codec decodes and verifies each one.
 */
export class EventStreamDecoder {
  private pending: Buffer = Buffer.alloc(0);

  push(chunk: Buffer): SseEvent[] {
    this.pending = this.pending.length === 0 ? chunk : Buffer.concat([this.pending, chunk]);
    const events: SseEvent[] = [];
    while (this.pending.length >= 4) {
      const length = this.pending.readUInt32BE(0);
      if (this.pending.length < length) break;
      events.push(eventOf(this.pending.subarray(0, length)));
      this.pending = this.pending.subarray(length);
    }
    return events;
  }

  end(): SseEvent[] {
    if (this.pending.length > 0)
      throw new Error(`the event stream ended inside a message (${this.pending.length} bytes)`);
    return [];
  }
}

/**
 * The first message at the start of `data`, decoded, or undefined while it has not arrived whole. Throws when
 * its checksums fail, as the decoder does.
 */
export function firstEventStreamMessage(data: Buffer): SseEvent | undefined {
  if (data.length < 4) return undefined;
  const length = data.readUInt32BE(0);
  return data.length < length ? undefined : eventOf(data.subarray(0, length));
}

function eventOf(frame: Buffer): SseEvent {
  const message = codec().decode(frame);
  const header = (name: string) => {
    const value = message.headers[name];
    return value?.type === 'string' ? value.value : undefined;
  };
  const data = utf8.decode(message.body);
  if (header(':message-type') === 'exception') return { event: `exception:${header(':exception-type') ?? ''}`, data };
  if (header(':message-type') === 'error') {
    return {
      event: `exception:${header(':error-code') ?? ''}`,
      data: JSON.stringify({ message: header(':error-message') }),
    };
  }
  return { event: header(':event-type'), data };
}
