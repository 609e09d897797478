import { EventStreamCodec, Int64, type MessageHeaders } from '@smithy/eventstream-codec';
import { describe, expect, it } from 'vitest';
import { EventStreamDecoder, firstEventStreamMessage } from './eventstream-decoder.js';

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

  it('decodes a header block seen before as it did, and one of the same length with other bytes by its own', () => {
    const decoder = new EventStreamDecoder();
    // contentBlockStart and contentBlockDelta are both 17 bytes: same block length, different headers.
    const start = message({ ':event-type': 'contentBlockStart', ':message-type': 'event' }, { contentBlockIndex: 0 });
    const events = [delta('a'), start, delta('b'), start, message({ ':event-type': 'x', ':message-type': 'event' }, {})]
      .flatMap((bytes) => decoder.push(bytes))
      .map((e) => e.event);
    expect(events).toEqual(['contentBlockDelta', 'contentBlockStart', 'contentBlockDelta', 'contentBlockStart', 'x']);
    // Many distinct blocks (more than are kept) still decode, and the first ones again afterwards.
    const many = Array.from({ length: 40 }, (_, i) =>
      message({ ':event-type': `type${i}`, ':message-type': 'event' }, {}),
    );
    expect([...many, ...many].flatMap((bytes) => decoder.push(bytes)).map((e) => e.event)).toEqual(
      [...many, ...many].map((_, i) => `type${i % 40}`),
    );
    const exception = message({ ':exception-type': 'throttlingException', ':message-type': 'exception' }, {});
    expect(decoder.push(start)[0]?.event).toBe('contentBlockStart');
    expect(decoder.push(exception)[0]?.event).toBe('exception:throttlingException');
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
    expect(() => new EventStreamDecoder().push(corrupted)).toThrow(/message checksum/);
    const badPrelude = delta('hello');
    badPrelude.writeUInt8((badPrelude[9] ?? 0) ^ 0x01, 9);
    expect(() => new EventStreamDecoder().push(badPrelude)).toThrow(/prelude checksum/);
    const badLength = delta('hello');
    badLength.writeUInt32BE(badLength.readUInt32BE(4) - 1, 4);
    expect(() => new EventStreamDecoder().push(badLength)).toThrow(/prelude checksum/);
    const decoder = new EventStreamDecoder();
    decoder.push(delta('hello').subarray(0, 20));
    expect(() => decoder.end()).toThrow(/ended inside a message/);
  });

  it('refuses a message with any one bit flipped past its prelude, read alone or after another message', () => {
    // A read of one whole message is checked by one CRC over all of it, its stored CRC included (eventOf); a
    // message after another in the same read by a CRC over what precedes its stored CRC. Both must refuse a flip
    // anywhere in the headers, the payload or the stored CRC itself.
    const good = delta('héllo');
    for (let at = 12; at < good.length; at++) {
      for (let bit = 0; bit < 8; bit++) {
        const flipped = Buffer.from(good);
        flipped.writeUInt8((flipped[at] as number) ^ (1 << bit), at);
        expect(() => new EventStreamDecoder().push(flipped)).toThrow(/message checksum/);
        expect(() => firstEventStreamMessage(flipped)).toThrow(/message checksum/);
        const decoder = new EventStreamDecoder();
        expect(decoder.push(Buffer.concat([delta('a'), flipped])).length).toBe(1);
        expect(() => decoder.end()).toThrow(/message checksum/);
      }
    }
    expect(new EventStreamDecoder().push(good)[0]?.data).toBe(
      JSON.stringify({ contentBlockIndex: 0, delta: { text: 'héllo' } }),
    );
  });

  it('hands on the good messages read with a corrupted one, then fails every later call with the checksum error', () => {
    const corrupted = delta(' wörld');
    corrupted.writeUInt8((corrupted.at(-6) ?? 0) ^ 0xff, corrupted.length - 6);
    const decoder = new EventStreamDecoder();
    // One network read: a good message, then a corrupted one.
    const events = decoder.push(Buffer.concat([delta('héllo'), corrupted]));
    expect(events.map((e) => JSON.parse(e.data).delta.text)).toEqual(['héllo']);
    // The corruption is named, not taken for a stream cut inside a message.
    expect(() => decoder.end()).toThrow(/message checksum/);
    expect(() => decoder.push(delta('!'))).toThrow(/message checksum/);
  });

  it('skips headers of every other type, as the SDK codec encodes them', () => {
    const headers: MessageHeaders = {
      ':message-type': { type: 'string', value: 'event' },
      yes: { type: 'boolean', value: true },
      no: { type: 'boolean', value: false },
      byte: { type: 'byte', value: 7 },
      short: { type: 'short', value: 300 },
      integer: { type: 'integer', value: 70000 },
      long: { type: 'long', value: Int64.fromNumber(5_000_000_000) },
      binary: { type: 'binary', value: new Uint8Array([1, 2, 3]) },
      timestamp: { type: 'timestamp', value: new Date(1_700_000_000_000) },
      uuid: { type: 'uuid', value: '8a3b1f0e-2c4d-4e5f-8a9b-0c1d2e3f4a5b' },
      ':event-type': { type: 'string', value: 'messageStop' },
    };
    const bytes = Buffer.from(codec.encode({ headers, body: new TextEncoder().encode('{"stopReason":"end_turn"}') }));
    expect(new EventStreamDecoder().push(bytes)).toEqual([{ event: 'messageStop', data: '{"stopReason":"end_turn"}' }]);
  });

  it('reads an error message from its headers', () => {
    const bytes = message({ ':message-type': 'error', ':error-code': 'InternalFailure', ':error-message': 'boom' }, {});
    expect(firstEventStreamMessage(bytes)).toEqual({ event: 'exception:InternalFailure', data: '{"message":"boom"}' });
  });

  it('refuses a broken prelude: a wrong checksum, or a length too small to be a message', () => {
    const badPrelude = delta('hello');
    badPrelude.writeUInt32BE(badPrelude.readUInt32BE(4) + 1, 4);
    expect(() => new EventStreamDecoder().push(badPrelude)).toThrow(/prelude checksum/);
    const tiny = Buffer.alloc(16);
    expect(() => new EventStreamDecoder().push(tiny)).toThrow(/length 0/);
    expect(() => new EventStreamDecoder().push(Buffer.from([0, 0, 0, 3]))).toThrow(/length 3/);
  });
});
