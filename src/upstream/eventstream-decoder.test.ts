import { EventStreamCodec } from '@smithy/eventstream-codec';
import { describe, expect, it } from 'vitest';
import { EventStreamDecoder } from './eventstream-decoder.js';

const codec = new EventStreamCodec(
  (bytes: Uint8Array) => new TextDecoder().decode(bytes),
  (text: string) => new TextEncoder().encode(text),
);

function message(headers: Record<string, string>, payload: unknown): Buffer {
  const typed = Object.fromEntries(
    Object.entries(headers).map(([name, value]) => [name, { type: 'string' as const, value }]),
  );
  return Buffer.from(codec.encode({ headers: typed, body: new TextEncoder().encode(JSON.stringify(payload)) }));
}

const delta = (text: string) =>
  message({ ':event-type': 'contentBlockDelta', ':message-type': 'event' }, { contentBlockIndex: 0, delta: { text } });

describe('EventStreamDecoder', () => {
  it('hands on whole messages however the bytes are cut', () => {
    const bytes = Buffer.concat([delta('héllo'), delta(' wörld'), delta('!')]);
    for (const size of [1, 3, 7, 50, bytes.length]) {
      const decoder = new EventStreamDecoder();
      const events = [];
      for (let i = 0; i < bytes.length; i += size) events.push(...decoder.push(bytes.subarray(i, i + size)));
      events.push(...decoder.end());
      expect(events.map((e) => [e.event, JSON.parse(e.data).delta.text])).toEqual([
        ['contentBlockDelta', 'héllo'],
        ['contentBlockDelta', ' wörld'],
        ['contentBlockDelta', '!'],
      ]);
    }
  });

  it('names an exception message by its exception type', () => {
    const decoder = new EventStreamDecoder();
    const bytes = message(
      { ':exception-type': 'throttlingException', ':message-type': 'exception' },
      { message: 'slow down' },
    );
    expect(decoder.push(bytes)).toEqual([{ event: 'exception:throttlingException', data: '{"message":"slow down"}' }]);
  });

  it('refuses a corrupted message (its CRC no longer matches) and a stream cut inside a message', () => {
    const corrupted = delta('hello');
    corrupted.writeUInt8((corrupted.at(-6) ?? 0) ^ 0xff, corrupted.length - 6);
    expect(() => new EventStreamDecoder().push(corrupted)).toThrow();
    const decoder = new EventStreamDecoder();
    decoder.push(delta('hello').subarray(0, 20));
    expect(() => decoder.end()).toThrow(/ended inside a message/);
  });
});
