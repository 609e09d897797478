import { crc32 } from 'node:zlib';
import type { SseEvent } from './sse-parse.js';

/** Prelude (total length, headers length, prelude CRC) and the message CRC at the end. */
const PRELUDE = 12;
const OVERHEAD = PRELUDE + 4;
/** The format's own limits: a message up to 16 MiB, its headers up to 128 KiB. */
const MAX_MESSAGE = 16 * 1024 * 1024;
const MAX_HEADERS = 128 * 1024;
const EMPTY = Buffer.alloc(0);

/**
 * Buffer.prototype's methods, called through these references rather than looked up on each message: V8 keeps
 * Buffer.prototype in dictionary mode, so `data.compare(…)` in optimised code is a generic property load (a
 * LoadIC call) every time. Callgrind of bench/eventstream-work.mjs: ~9 such loads a message, ~95 instructions
 * each, about a seventh of the decoder's work.
 */
const compareBytes = Buffer.prototype.compare;
const decodeText = Buffer.prototype.toString;

/** The big-endian uint32 at `at` (in bounds: the callers check the length first), read without a method call. */
function uint32At(data: Buffer, at: number): number {
  return (
    (((data[at] as number) << 24) |
      ((data[at + 1] as number) << 16) |
      ((data[at + 2] as number) << 8) |
      (data[at + 3] as number)) >>>
    0
  );
}

/**
 * Incremental decoder of the AWS binary event stream (application/vnd.amazon.eventstream): bytes in, whole
 * messages out, handed on in the shape the stream decoders take: `event` is the `:event-type` header, or
 * `exception:<:exception-type>` for an exception message, and `data` the UTF-8 payload. Messages are cut by
 * the total length in their prelude.
 */
export class EventStreamDecoder {
  private pending: Buffer = EMPTY;
  /** A corrupt message (bad checksum, impossible length): every later call throws it, nothing after it is read. */
  private failure: Error | undefined;

  /**
   * The whole messages `chunk` completes. A corrupt message does not take the good ones before it in the same
   * read with it: they are returned, and the corruption is thrown by the next call (`end` included), so the
   * client gets what arrived intact and then the stream's error naming the corruption.
   */
  push(chunk: Buffer): SseEvent[] {
    if (this.failure) throw this.failure;
    this.pending = this.pending.length === 0 ? chunk : Buffer.concat([this.pending, chunk]);
    const events: SseEvent[] = [];
    let at = 0;
    // Read once a push and only for a read of several messages, not once a message: Buffer.prototype is in
    // dictionary mode, so each read of these is a generic property load, and `buffer` a call into the runtime
    // (callgrind: ~300 instructions a message). A read that is one whole message needs neither (see eventOf).
    let buffer: ArrayBufferLike | undefined;
    let byteOffset = 0;
    try {
      while (this.pending.length - at >= 4) {
        const length = messageLength(this.pending, at);
        if (this.pending.length - at < length) break;
        if (at !== 0 || length !== this.pending.length) {
          if (buffer === undefined) ({ buffer, byteOffset } = this.pending);
          events.push(eventOf(this.pending, at, length, buffer, byteOffset));
        } else events.push(eventOf(this.pending, 0, length, undefined, 0));
        at += length;
      }
    } catch (error) {
      this.failure = error as Error;
      this.pending = EMPTY;
      if (events.length === 0) throw error;
      return events;
    }
    if (at > 0) this.pending = at === this.pending.length ? EMPTY : this.pending.subarray(at);
    return events;
  }

  end(): SseEvent[] {
    if (this.failure) throw this.failure;
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
  const length = messageLength(data, 0);
  if (data.length < length) return undefined;
  return length === data.length
    ? eventOf(data, 0, length, undefined, 0)
    : eventOf(data, 0, length, data.buffer, data.byteOffset);
}

function messageLength(data: Buffer, at: number): number {
  const length = uint32At(data, at);
  if (length < OVERHEAD || length > MAX_MESSAGE) throw new Error(`an event stream message has length ${length}`);
  return length;
}

/**
 * Decodes the message of `length` bytes at `at`, after checking its prelude and message CRCs (zlib's CRC-32, as
 * the format specifies); `buffer` and `byteOffset` are data's, or undefined when the message is all of `data`.
 * A walk over the buffer rather than @smithy/eventstream-codec's decode, which builds a typed map of every header
 * and cost about 1.1 us a message against 0.4 us here (most of a text delta's cost).
 */
function eventOf(
  data: Buffer,
  at: number,
  length: number,
  buffer: ArrayBufferLike | undefined,
  byteOffset: number,
): SseEvent {
  const headersLength = uint32At(data, at + 4);
  if (headersLength > MAX_HEADERS || headersLength > length - OVERHEAD) {
    throw new Error(`an event stream message has headers of ${headersLength} bytes in ${length}`);
  }
  // The prelude's 8 bytes are checked in JS (a native call costs more than the table walk); the message CRC,
  // which covers the prelude too, in one zlib call over the whole message.
  if (preludeCrc(data, at) !== uint32At(data, at + 8)) {
    throw new Error('an event stream message failed its prelude checksum');
  }
  const end = at + length - 4;
  if (!messageCrcHolds(data, at, length, buffer, byteOffset)) {
    throw new Error('an event stream message failed its message checksum');
  }
  const headers = headersOf(data, at + PRELUDE, at + PRELUDE + headersLength);
  const payload = decodeText.call(data, 'utf8', at + PRELUDE + headersLength, end);
  if (headers.messageType === 'exception') return { event: `exception:${headers.exceptionType ?? ''}`, data: payload };
  if (headers.messageType === 'error') {
    return {
      event: `exception:${headers.errorCode ?? ''}`,
      data: JSON.stringify({ message: headers.errorMessage }),
    };
  }
  return { event: headers.eventType, data: payload };
}

/** CRC-32 (IEEE, reflected: zlib's) by byte, for the 8-byte prelude. */
const CRC_TABLE = Int32Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c;
});

/**
 * Whether the message of `length` bytes at `at` holds its message CRC (its last 4 bytes, big-endian: the CRC of all
 * bytes before them). A message that is all of `data` (a read of one message, as a live ConverseStream mostly
 * arrives) is checked with one zlib call over all of it, CRC included, with no view made: continuing a CRC over
 * 4 fixed bytes maps each CRC to a different one (CRC-32 is invertible byte by byte), so the whole message's CRC
 * equals its stored CRC continued over those 4 bytes exactly when the stored CRC is the CRC of what precedes it.
 * Otherwise the view covers what precedes the CRC: a plain Uint8Array, as Buffer#subarray builds a Buffer
 * through the species constructor, which cost about as much as the checksum's own call (CPU profile of
 * bench/stream-chain-work.mjs).
 */
function messageCrcHolds(
  data: Buffer,
  at: number,
  length: number,
  buffer: ArrayBufferLike | undefined,
  byteOffset: number,
): boolean {
  const end = at + length - 4;
  const stored = uint32At(data, end);
  if (buffer === undefined) return crc32(data) === crcContinued(stored, data, end);
  return crc32(new Uint8Array(buffer, byteOffset + at, length - 4)) === stored;
}

/** zlib's crc32(data[from, from + 4), crc): a finished CRC-32 continued over 4 more bytes, by the byte table. */
function crcContinued(crc: number, data: Buffer, from: number): number {
  let c = crc ^ -1;
  for (let i = from; i < from + 4; i++) c = (CRC_TABLE[(c ^ (data[i] as number)) & 0xff] as number) ^ (c >>> 8);
  return (c ^ -1) >>> 0;
}

function preludeCrc(data: Buffer, at: number): number {
  let c = -1;
  for (let i = at; i < at + 8; i++) c = (CRC_TABLE[(c ^ (data[i] as number)) & 0xff] as number) ^ (c >>> 8);
  return (c ^ -1) >>> 0;
}

/**
 * The string headers the stream decoders read. A class, so every message's headers have one shape: filled in
 * by a keyed store on a plain object, they took a different hidden class per header order and the stores and
 * the reads in eventOf went megamorphic (callgrind: a third of a message's cost).
 */
class StringHeaders {
  // Shared by every message with the same header block (see headersOf): read, never changed, once made.
  messageType: string | undefined = undefined;
  eventType: string | undefined = undefined;
  exceptionType: string | undefined = undefined;
  errorCode: string | undefined = undefined;
  errorMessage: string | undefined = undefined;

  set(known: KnownName, value: string): void {
    switch (known) {
      case KnownName.MessageType:
        this.messageType = value;
        break;
      case KnownName.EventType:
        this.eventType = value;
        break;
      case KnownName.ExceptionType:
        this.exceptionType = value;
        break;
      case KnownName.ErrorCode:
        this.errorCode = value;
        break;
      case KnownName.ErrorMessage:
        this.errorMessage = value;
        break;
    }
  }
}

/**
 * Header blocks decoded lately, by their bytes. ConverseStream sends a handful of exact header blocks (event
 * type, content type, message type) over and over, in every stream: a block seen before is recognised by one
 * native comparison instead of a walk over its headers (callgrind: about a quarter of a message's cost). Only
 * short blocks are kept, at most SEEN_MAX, the oldest replaced first, so an upstream varying its headers costs
 * a bounded copy and no memory.
 */
const SEEN_MAX = 16;
const SEEN_BLOCK_BYTES = 256;
const seenBlocks: Buffer[] = [];
const seenHeaders: StringHeaders[] = [];
let nextSeen = 0;

function headersOf(data: Buffer, start: number, end: number): StringHeaders {
  const length = end - start;
  for (let i = 0; i < seenBlocks.length; i++) {
    const block = seenBlocks[i] as Buffer;
    if (block.length === length && compareBytes.call(data, block, 0, length, start, end) === 0) {
      return seenHeaders[i] as StringHeaders;
    }
  }
  const headers = stringHeaders(data, start, end);
  if (length <= SEEN_BLOCK_BYTES) {
    seenBlocks[nextSeen] = Buffer.from(data.subarray(start, end));
    seenHeaders[nextSeen] = headers;
    nextSeen = (nextSeen + 1) % SEEN_MAX;
  }
  return headers;
}

/** Header value sizes by type, for the types that have a fixed size (0 and 1 are the booleans, with none). */
const FIXED_SIZE = [0, 0, 1, 2, 4, 8, -1, -1, 8, 16];
const BYTES = 6;
const STRING = 7;

/** The string headers the stream decoders read; every other header is skipped by its type's size. */
function stringHeaders(data: Buffer, start: number, end: number): StringHeaders {
  const headers = new StringHeaders();
  let at = start;
  while (at < end) {
    const nameLength = data[at] as number;
    const nameStart = at + 1;
    const type = data[nameStart + nameLength];
    at = nameStart + nameLength + 1;
    if (type === STRING || type === BYTES) {
      if (at + 2 > end) break;
      const valueStart = at + 2;
      at = valueStart + ((data[at] as number) << 8) + (data[at + 1] as number);
      if (at > end) break;
      const known = type === STRING ? knownName(data, nameStart, nameLength) : KnownName.None;
      if (known !== KnownName.None)
        headers.set(known, knownValue(data, valueStart, at) ?? data.toString('utf8', valueStart, at));
    } else {
      const size = type === undefined ? -1 : (FIXED_SIZE[type] ?? -1);
      if (size < 0) throw new Error(`an event stream header has the unknown type ${type}`);
      at += size;
    }
  }
  if (at !== end) throw new Error('an event stream message has malformed headers');
  return headers;
}

/** The header names read, in the order of KNOWN_NAMES. */
enum KnownName {
  None = -1,
  MessageType = 0,
  EventType = 1,
  ExceptionType = 2,
  ErrorCode = 3,
  ErrorMessage = 4,
}

/** The header names read, as bytes (indexed by KnownName): compared in place, so no other name becomes a string. */
const KNOWN_NAMES: readonly Buffer[] = [
  ':message-type',
  ':event-type',
  ':exception-type',
  ':error-code',
  ':error-message',
].map((name) => Buffer.from(name));

function knownName(data: Buffer, start: number, length: number): KnownName {
  for (let n = 0; n < KNOWN_NAMES.length; n++) {
    if (sameBytes(data, start, length, KNOWN_NAMES[n] as Buffer)) return n as KnownName;
  }
  return KnownName.None;
}

/** Whether data[start, start + length) holds exactly `bytes`. */
function sameBytes(data: Buffer, start: number, length: number, bytes: Buffer): boolean {
  if (bytes.length !== length) return false;
  for (let i = 0; i < length; i++) if (data[start + i] !== bytes[i]) return false;
  return true;
}

/**
 * The message and event types ConverseStream sends, as constants: compared in place rather than a new string
 * made for each of a stream's messages (two per message).
 */
const KNOWN_VALUE_STRINGS = [
  'event',
  'exception',
  'error',
  'messageStart',
  'contentBlockStart',
  'contentBlockDelta',
  'contentBlockStop',
  'messageStop',
  'metadata',
];
const KNOWN_VALUES: readonly Buffer[] = KNOWN_VALUE_STRINGS.map((value) => Buffer.from(value));

function knownValue(data: Buffer, start: number, end: number): string | undefined {
  for (let n = 0; n < KNOWN_VALUES.length; n++) {
    if (sameBytes(data, start, end - start, KNOWN_VALUES[n] as Buffer)) return KNOWN_VALUE_STRINGS[n];
  }
  return undefined;
}
