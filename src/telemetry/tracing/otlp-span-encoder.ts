import {
  type Attributes,
  type AttributeValue,
  type HrTime,
  type SpanContext,
  type SpanKind,
  type SpanStatus,
  TraceFlags,
  type TraceState,
} from '@opentelemetry/api';
import type { InstrumentationScope } from '@opentelemetry/core';
import type { Resource } from '@opentelemetry/resources';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import type { IdBytes } from './span-writer.js';

/**
 * OTLP protobuf (ExportTraceServiceRequest) for finished spans, written in one pass into one growing Buffer.
 * The official serialiser sizes every batch in a first pass, then writes it again reserving one byte per
 * length (so every span, longer than 127 bytes, is shifted once), decodes each id into a new array and
 * re-encodes the resource, the scope and every attribute key per span. Here the resource and scope messages
 * are encoded once per object and attribute keys once per key; a span reserves the two length bytes it
 * almost always needs. The bytes are the official serialiser's, field for field (the tests compare them).
 */

/** Attribute keys (as KeyValue.key: tag, length, UTF-8) encoded once. */
const keys = new Map<string, Buffer>();
const MAX_KEYS = 1_024;

/** Resources and scopes are immutable once spans refer to them: their messages are encoded on first sight. */
const resources = new WeakMap<Resource, Buffer>();
const scopes = new WeakMap<InstrumentationScope, Buffer>();

/** Bytes per span of the last batch, to size the next one's buffer. */
let bytesPerSpan = 512;

/** An id as last written, decoded. */
interface DecodedId {
  id: string;
  readonly bytes: Uint8Array;
}

class Writer {
  buf: Buffer;
  pos = 0;
  private readonly lastTraceId: DecodedId = { id: '', bytes: new Uint8Array(16) };
  private readonly lastSpanId: DecodedId = { id: '', bytes: new Uint8Array(8) };

  /**
   * `spare`: a buffer done with, written over when it holds `size` bytes. `ownMemory`: every buffer gets an
   * ArrayBuffer of its own, never a slice of Node's shared pool (Buffer.poolSize: 8 KiB on Node 20, 64 KiB on
   * Node 24, so on 24 a batch of a few dozen spans would be pooled). A batch buffer is kept and reused for the
   * queue's life: a pooled slice would pin its whole pool chunk, and two batches could share one ArrayBuffer.
   */
  constructor(
    size: number,
    spare?: Buffer,
    private readonly ownMemory = false,
  ) {
    this.buf = spare !== undefined && spare.length >= size ? spare : this.alloc(size);
  }

  private alloc(size: number): Buffer {
    return this.ownMemory ? Buffer.allocUnsafeSlow(size) : Buffer.allocUnsafe(size);
  }

  /** Room for `n` more bytes. */
  room(n: number): void {
    if (this.pos + n <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < this.pos + n) size *= 2;
    const grown = this.alloc(size);
    this.buf.copy(grown, 0, 0, this.pos);
    this.buf = grown;
  }

  byte(b: number): void {
    this.buf[this.pos++] = b;
  }

  /** An unsigned varint below 2^32. */
  varint(v: number): void {
    const buf = this.buf;
    while (v > 0x7f) {
      buf[this.pos++] = (v & 0x7f) | 0x80;
      v >>>= 7;
    }
    buf[this.pos++] = v;
  }

  /** A 64-bit varint from its two 32-bit halves. */
  varint64(low: number, high: number): void {
    const buf = this.buf;
    while (high > 0 || low > 0x7f) {
      buf[this.pos++] = (low & 0x7f) | 0x80;
      low = ((low >>> 7) | (high << 25)) >>> 0;
      high >>>= 7;
    }
    buf[this.pos++] = low;
  }

  fixed32(v: number): void {
    this.uint32At(this.pos, v);
    this.pos += 4;
  }

  /**
   * Four little-endian bytes at `at` (room already made). Stored byte by byte: Buffer's writeUInt32LE checks its
   * value's range and the offset on every call, and a span's two times and flags take five of these.
   */
  private uint32At(at: number, v: number): void {
    const buf = this.buf;
    buf[at] = v & 0xff;
    buf[at + 1] = (v >>> 8) & 0xff;
    buf[at + 2] = (v >>> 16) & 0xff;
    buf[at + 3] = v >>> 24;
  }

  /** An HrTime as fixed64 nanoseconds since the epoch. */
  time([seconds, nanos]: HrTime): void {
    this.timeParts(seconds, nanos);
  }

  /** Epoch milliseconds as fixed64 nanoseconds, through the HrTime the SDK's `millisToHrTime` makes of them. */
  timeMs(epochMs: number): void {
    this.timeParts(Math.trunc(epochMs / 1000), Math.round((epochMs % 1000) * 1e6));
  }

  private timeParts(seconds: number, nanos: number): void {
    // seconds * 1e9 + nanos exceeds 2^53: split seconds at 2^16 so every product stays exact.
    const upper = Math.floor(seconds / 0x10000) * 1e9; // times 2^16, below 2^45
    const lower = (seconds % 0x10000) * 1e9 + nanos; // below 2^47
    const upperLow = (upper % 0x10000) * 0x10000; // the part of upper * 2^16 below 2^32
    const low = (lower % 0x100000000) + upperLow;
    const high = Math.floor(upper / 0x10000) + Math.floor(lower / 0x100000000) + Math.floor(low / 0x100000000);
    this.uint32At(this.pos, low >>> 0);
    this.uint32At(this.pos + 4, high >>> 0);
    this.pos += 8;
  }

  /**
   * Lowercase or uppercase hex as `tag`, length, bytes. The last trace id (16 bytes) and span id (8) written are
   * kept decoded: a request's spans share their trace id, and its server span's id follows as the parent of
   * its attempts' spans. Decoding an id is most of the cost of writing one (~1,900 instructions a trace id,
   * most of it reading the characters of a sliced string); copying it again is ~100.
   */
  hex(tag: number, id: string): void {
    const n = id.length >>> 1;
    const at = this.idField(tag, n);
    const buf = this.buf;
    const last = n === 16 ? this.lastTraceId : n === 8 ? this.lastSpanId : undefined;
    if (last !== undefined && last.id === id) {
      buf.set(last.bytes, at);
      return;
    }
    // Node's hex decoder (case-insensitive) takes ~0.7 of the time of a charCodeAt loop over a sliced string (an
    // in-process A/B, 15 interleaved runs); it stops at the first character that is not hex, where the official
    // hexToBinary reads on, so such an id is decoded again as the official does.
    if (buf.write(id, at, n, 'hex') !== n) {
      for (let i = 0; i < n; i++) buf[at + i] = (nibble(id, 2 * i) << 4) | nibble(id, 2 * i + 1);
    }
    if (last === undefined) return;
    last.id = id;
    for (let i = 0; i < n; i++) last.bytes[i] = buf[at + i] as number;
  }

  /**
   * An id given as bytes (`n` of them from `from[fromAt]`, the id generator's buffer) as `tag`, length, bytes:
   * copied by a byte loop, as `set` would need a subarray made first.
   */
  idBytes(tag: number, n: number, from: Uint8Array, fromAt: number): void {
    const at = this.idField(tag, n);
    const buf = this.buf;
    for (let i = 0; i < n; i++) buf[at + i] = from[fromAt + i] as number;
  }

  /** An id field's tag and length, and room for its `n` bytes (returned: where they go). */
  private idField(tag: number, n: number): number {
    this.room(n + 2);
    const buf = this.buf;
    buf[this.pos++] = tag;
    this.varint(n);
    const at = this.pos;
    this.pos += n;
    return at;
  }

  /** A string field: `tag`, length, UTF-8. */
  string(tag: number, s: string): void {
    const max = s.length * 3;
    this.room(max + 11);
    this.varint(tag);
    if (max < 0x80) {
      const at = this.pos++;
      const n = this.utf8(s);
      this.buf[at] = n;
      return;
    }
    const at = this.begin(2);
    this.utf8(s);
    this.end(at, 2);
  }

  /** Writes `s` as UTF-8 (room already made); returns its byte length. */
  utf8(s: string): number {
    const buf = this.buf;
    const start = this.pos;
    const len = s.length;
    // Short ASCII is cheaper copied here than through the native encoder.
    if (len < 64) {
      let i = 0;
      for (; i < len; i++) {
        const c = s.charCodeAt(i);
        if (c > 0x7f) break;
        buf[start + i] = c;
      }
      if (i === len) {
        this.pos = start + len;
        return len;
      }
    }
    const n = buf.write(s, start);
    this.pos = start + n;
    return n;
  }

  /** Copies short pre-encoded bytes (room already made); a byte loop measured no faster than `set` here. */
  bytes(b: Buffer): void {
    this.buf.set(b, this.pos);
    this.pos += b.length;
  }

  /** Reserves `reserve` bytes for a length to come. */
  begin(reserve: number): number {
    const at = this.pos;
    this.pos += reserve;
    return at;
  }

  /** Writes the length of what followed `begin`, moving it when the length takes other than `reserve` bytes. */
  end(at: number, reserve: number): void {
    const body = at + reserve;
    const len = this.pos - body;
    const size = len < 0x80 ? 1 : len < 0x4000 ? 2 : len < 0x200000 ? 3 : len < 0x10000000 ? 4 : 5;
    if (size !== reserve) {
      if (size > reserve) this.room(size - reserve);
      this.buf.copyWithin(at + size, body, this.pos);
      this.pos += size - reserve;
    }
    const end = this.pos;
    this.pos = at;
    this.varint(len);
    this.pos = end;
  }
}

function nibble(s: string, i: number): number {
  const c = s.charCodeAt(i);
  // As the official hexToBinary: digits, a-f, and anything else (g-z included) as uppercase.
  return c >= 48 && c <= 57 ? c - 48 : c >= 97 && c <= 102 ? c - 87 : c - 55;
}

function keyBytes(key: string): Buffer {
  let bytes = keys.get(key);
  if (bytes === undefined) {
    const w = new Writer(key.length * 3 + 8);
    w.string(0x0a, key);
    bytes = Buffer.from(w.buf.subarray(0, w.pos));
    if (keys.size < MAX_KEYS) keys.set(key, bytes);
  }
  return bytes;
}

/** Repeated KeyValue under field `tag` (its key byte). */
function writeAttributes(w: Writer, tag: number, attributes: Attributes): void {
  // Own enumerable keys in Object.keys order, as the official serialiser reads them. (for-in with an own-property
  // check measured slower here, not faster.)
  const names = Object.keys(attributes);
  for (let i = 0; i < names.length; i++) {
    const key = names[i] as string;
    writeKeyValue(w, tag, keyBytes(key), attributes[key]);
  }
}

/** One KeyValue under field `tag`, its key given encoded (`keyBytes`). */
function writeKeyValue(w: Writer, tag: number, k: Buffer, value: AttributeValue | null | undefined): void {
  w.room(k.length + 32);
  w.byte(tag);
  // A KeyValue with a long string value takes two length bytes.
  const reserve = typeof value === 'string' && value.length > 100 - k.length ? 2 : 1;
  const kv = w.begin(reserve);
  w.bytes(k);
  w.byte(0x12);
  const any = w.begin(1);
  writeAnyValue(w, value);
  w.end(any, 1);
  w.end(kv, reserve);
}

/** An attribute key encoded once, for spans written field by field (SpanBatchWriter.attribute). */
export interface AttributeKey {
  readonly name: string;
  readonly bytes: Buffer;
  /**
   * For a key whose values repeat from request to request (a status code, a route mode, a model, a provider):
   * the KeyValue of each value seen, encoded once, up to `MAX_VALUES_PER_KEY` values.
   */
  readonly values: Map<AttributeValue, Buffer> | undefined;
}

/** Values kept encoded per repeating key; a value beyond them is encoded where it is written. */
const MAX_VALUES_PER_KEY = 64;

/** `repeats`: the key's values repeat (few in all), so each is kept encoded with the key. */
export function attributeKey(name: string, repeats = false): AttributeKey {
  return { name, bytes: keyBytes(name), values: repeats ? new Map() : undefined };
}

/** A Span.attributes KeyValue on its own, as `writeKeyValue` writes it into a span. */
function keyValueBytes(k: Buffer, value: AttributeValue): Buffer {
  const w = new Writer(256);
  writeKeyValue(w, 0x4a, k, value);
  return Buffer.from(w.buf.subarray(0, w.pos));
}

/**
 * Attributes that come together and unchanged on span after span (an upstream target's provider, model and host;
 * a route's method and template), for spans written field by field (SpanBatchWriter.attributeRun): their
 * KeyValues are encoded once, on first use, and each span gets them in one copy. Written one by one, each was a
 * key copy, two reserved lengths and a character loop over its value, about a fifth of a traced request's
 * encoding.
 */
export class AttributeRun {
  private encoded: Buffer | undefined;

  constructor(readonly entries: readonly (readonly [AttributeKey, AttributeValue])[]) {}

  /** The entries as repeated Span.attributes KeyValues, as `attribute` writes them one by one. */
  get bytes(): Buffer {
    let bytes = this.encoded;
    if (bytes === undefined) {
      const w = new Writer(256);
      for (const [key, value] of this.entries) writeKeyValue(w, 0x4a, key.bytes, value);
      bytes = Buffer.from(w.buf.subarray(0, w.pos));
      this.encoded = bytes;
    }
    return bytes;
  }
}

/** Combinations an AttributeSet keeps encoded, replaced in turn beyond that. */
const SET_COMBINATIONS = 16;

/** One combination of an AttributeSet's values and their KeyValues as a span carries them. */
interface SetCombination {
  readonly values: readonly (AttributeValue | undefined)[];
  readonly bytes: Buffer;
}

/**
 * Keys whose values come together from the end of a request (its status, route mode, models, provider, client)
 * and repeat, as a combination, from request to request. The last combinations seen are kept as their KeyValues
 * encoded together: a span whose values match one (compared with `===`) gets them in one copy, where writing
 * each was a map lookup, a room check and a copy per key (about a third of a traced request's encoding). A
 * combination not kept is written key by key, and kept in place of the oldest.
 */
export class AttributeSet {
  private readonly kept: SetCombination[] = [];
  private next = 0;

  constructor(readonly keys: readonly AttributeKey[]) {}

  /** The KeyValues of `values` (one per key, in order; undefined: absent) if that combination is kept. */
  find(values: readonly (AttributeValue | undefined)[]): Buffer | undefined {
    const kept = this.kept;
    const n = this.keys.length;
    for (let c = 0; c < kept.length; c++) {
      const combination = kept[c] as SetCombination;
      const seen = combination.values;
      let i = 0;
      while (i < n && seen[i] === values[i]) i++;
      if (i === n) return combination.bytes;
    }
    return undefined;
  }

  /** Keeps `bytes` as the KeyValues of `values` (copied: the caller's array and buffer are reused). */
  keep(values: readonly (AttributeValue | undefined)[], bytes: Uint8Array): void {
    const combination = { values: values.slice(0, this.keys.length), bytes: Buffer.from(bytes) };
    if (this.kept.length < SET_COMBINATIONS) this.kept.push(combination);
    else {
      this.kept[this.next] = combination;
      this.next = (this.next + 1) % SET_COMBINATIONS;
    }
  }
}

const INT64_LIMIT = 2 ** 63;

/** AnyValue's fields (room for 32 bytes already made); nothing for null and undefined, as the official. */
function writeAnyValue(w: Writer, value: AttributeValue | null | undefined): void {
  if (typeof value === 'string') {
    w.string(0x0a, value);
  } else if (typeof value === 'number') {
    if (Number.isInteger(value) && value >= -INT64_LIMIT && value < INT64_LIMIT) {
      w.byte(0x18);
      if (value >= 0 && value <= 0xffffffff) w.varint(value);
      else writeInt64(w, value);
    } else {
      w.byte(0x21);
      w.buf.writeDoubleLE(value, w.pos);
      w.pos += 8;
    }
  } else if (typeof value === 'boolean') {
    w.byte(0x10);
    w.byte(value ? 1 : 0);
  } else if (value instanceof Uint8Array) {
    w.room(value.length + 6);
    w.byte(0x3a);
    w.varint(value.length);
    w.buf.set(value, w.pos);
    w.pos += value.length;
  } else if (Array.isArray(value)) {
    w.byte(0x2a);
    const array = w.begin(1);
    for (const item of value) {
      w.room(32);
      w.byte(0x0a);
      const at = w.begin(1);
      writeAnyValue(w, item);
      w.end(at, 1);
    }
    w.end(array, 1);
  } else if (typeof value === 'object' && value !== null) {
    // A map value (kvlist): attributes may not carry one by their type, but the official serialiser writes it.
    w.byte(0x32);
    const list = w.begin(1);
    writeAttributes(w, 0x0a, value as Attributes);
    w.end(list, 1);
  }
}

/** An integer beyond 32 bits, two's complement over 64 (ten bytes when negative). */
function writeInt64(w: Writer, value: number): void {
  const abs = Math.abs(value);
  let low = abs >>> 0;
  let high = Math.floor(abs / 0x100000000) >>> 0;
  if (value < 0) {
    low = ~low >>> 0;
    high = ~high >>> 0;
    low = (low + 1) >>> 0;
    if (low === 0) high = (high + 1) >>> 0;
  }
  w.varint64(low, high);
}

/** A span that keeps its times as epoch milliseconds (RecordedSpan): written with no HrTime array made. */
interface MillisecondTimes {
  readonly startMs: number;
  readonly endMs: number;
}

const HAS_IS_REMOTE = 0x100;
const IS_REMOTE = 0x200;

function writeSpan(w: Writer, span: ReadableSpan): void {
  const context = span.spanContext();
  const parent = span.parentSpanContext;
  const at = writeSpanStart(w, context.traceId, context.spanId, context.traceState?.serialize(), parent?.spanId);
  w.string(0x2a, span.name);
  w.room(64);
  if (span.kind != null) {
    w.byte(0x30);
    w.varint(span.kind + 1);
  }
  const ms = span as Partial<MillisecondTimes>;
  if (typeof ms.startMs === 'number' && typeof ms.endMs === 'number') {
    w.byte(0x39);
    w.timeMs(ms.startMs);
    w.byte(0x41);
    w.timeMs(ms.endMs);
  } else {
    w.byte(0x39);
    w.time(span.startTime);
    w.byte(0x41);
    w.time(span.endTime);
  }
  writeAttributes(w, 0x4a, span.attributes);
  w.room(16);
  w.byte(0x50);
  w.varint(span.droppedAttributesCount);
  for (const event of span.events) {
    w.room(32);
    w.byte(0x5a);
    const e = w.begin(1);
    w.byte(0x09);
    w.time(event.time);
    w.string(0x12, event.name);
    if (event.attributes) writeAttributes(w, 0x1a, event.attributes);
    w.room(8);
    w.byte(0x20);
    w.varint(event.droppedAttributesCount || 0);
    w.end(e, 1);
  }
  w.room(8);
  w.byte(0x60);
  w.varint(span.droppedEventsCount);
  for (const link of span.links) {
    w.room(16);
    w.byte(0x6a);
    const l = w.begin(1);
    writeContext(w, link.context);
    if (link.attributes) writeAttributes(w, 0x22, link.attributes);
    w.room(16);
    w.byte(0x28);
    w.varint(link.droppedAttributesCount || 0);
    w.byte(0x35);
    w.fixed32(flags(link.context.traceFlags, link.context.isRemote));
    w.end(l, 1);
  }
  w.room(16);
  w.byte(0x70);
  w.varint(span.droppedLinksCount);
  writeSpanEnd(w, at, span.status, flags(context.traceFlags, parent?.isRemote));
}

/**
 * A span's tag, its reserved length (where it is returned) and its ids, each copied from `ids` where it is there
 * as bytes (the same bytes), else decoded from its hex.
 */
function writeSpanStart(
  w: Writer,
  traceId: string,
  spanId: string,
  traceState: string | undefined,
  parentSpanId: string | undefined,
  ids?: IdBytes,
): number {
  w.room(128);
  w.byte(0x12); // ScopeSpans.spans
  const at = w.begin(2);
  if (ids?.trace !== undefined) w.idBytes(0x0a, 16, ids.trace, ids.traceAt);
  else w.hex(0x0a, traceId);
  if (ids?.span !== undefined) w.idBytes(0x12, 8, ids.span, ids.spanAt);
  else w.hex(0x12, spanId);
  if (traceState) w.string(0x1a, traceState);
  if (parentSpanId) {
    if (ids?.parent !== undefined) w.idBytes(0x22, 8, ids.parent, ids.parentAt);
    else w.hex(0x22, parentSpanId);
  }
  return at;
}

/** A span's status and flags, and its length (reserved at `at`). */
function writeSpanEnd(w: Writer, at: number, status: SpanStatus, spanFlags: number): void {
  w.byte(0x7a);
  const statusAt = w.begin(1);
  if (status.message) w.string(0x12, status.message);
  w.room(16);
  w.byte(0x18);
  w.varint(status.code);
  w.end(statusAt, 1);
  w.byte(0x85); // field 16, fixed32
  w.byte(0x01);
  w.fixed32(spanFlags);
  w.end(at, 2);
}

/** A link's trace id, span id and trace state (the same first three fields as a span's). */
function writeContext(w: Writer, context: SpanContext): void {
  w.hex(0x0a, context.traceId);
  w.hex(0x12, context.spanId);
  const traceState = context.traceState?.serialize();
  if (traceState) w.string(0x1a, traceState);
}

function flags(traceFlags: number, isRemote: boolean | undefined): number {
  return (traceFlags & 0xff) | HAS_IS_REMOTE | (isRemote ? IS_REMOTE : 0);
}

/** ResourceSpans.resource: tag, length, Resource { attributes, dropped_attributes_count = 0 }. */
function resourceBytes(resource: Resource): Buffer {
  let bytes = resources.get(resource);
  if (bytes === undefined) {
    const w = new Writer(256);
    w.byte(0x0a);
    const at = w.begin(1);
    writeAttributes(w, 0x0a, resource.attributes);
    w.room(2);
    w.byte(0x10);
    w.byte(0);
    w.end(at, 1);
    bytes = Buffer.from(w.buf.subarray(0, w.pos));
    resources.set(resource, bytes);
  }
  return bytes;
}

/** ScopeSpans.scope: tag, length, InstrumentationScope { name, version, attributes, dropped count }. */
function scopeBytes(scope: InstrumentationScope): Buffer {
  let bytes = scopes.get(scope);
  if (bytes === undefined) {
    const w = new Writer(256);
    w.byte(0x0a);
    const at = w.begin(1);
    w.string(0x0a, scope.name);
    if (scope.version) w.string(0x12, scope.version);
    const extra = scope as { attributes?: Attributes; droppedAttributesCount?: number };
    if (extra.attributes) writeAttributes(w, 0x1a, extra.attributes);
    if (extra.droppedAttributesCount) {
      w.room(8);
      w.byte(0x20);
      w.varint(extra.droppedAttributesCount);
    }
    w.end(at, 1);
    bytes = Buffer.from(w.buf.subarray(0, w.pos));
    scopes.set(scope, bytes);
  }
  return bytes;
}

function varintSize(v: number): number {
  return v < 0x80 ? 1 : v < 0x4000 ? 2 : v < 0x200000 ? 3 : v < 0x10000000 ? 4 : 5;
}

/**
 * One ExportTraceServiceRequest holding one ResourceSpans with one ScopeSpans (the gateway's every batch),
 * written a span at a time: a span can be encoded as it ends and dropped, instead of being held until its batch
 * is sent. The spans are written first, after room for the header; the header, whose lengths depend on them,
 * then goes right before them, so nothing is moved.
 */
export class SpanBatchWriter {
  private readonly w: Writer;
  private readonly resourceMessage: Buffer;
  private readonly scopeMessage: Buffer;
  private readonly headerRoom: number;
  /** Where the length of the span being written field by field goes. */
  private spanAt = 0;
  private spanFlags = 0;
  /** Spans written so far. */
  count = 0;

  constructor(
    private readonly resource: Resource,
    private readonly scope: InstrumentationScope,
    expectedSpans: number,
    /** The buffer of a batch done with (see `buffer`), written into when it is large enough. */
    spare?: Buffer,
  ) {
    this.resourceMessage = resourceBytes(resource);
    this.scopeMessage = scopeBytes(scope);
    this.headerRoom = 12 + this.resourceMessage.length + this.scopeMessage.length;
    this.w = new Writer(this.headerRoom + expectedSpans * bytesPerSpan + 256, spare, true);
    this.w.pos = this.headerRoom;
  }

  add(span: ReadableSpan): void {
    writeSpan(this.w, span);
    this.count++;
  }

  /**
   * Starts an ended, sampled span written field by field, the same bytes as `add` of a span with these fields:
   * its attributes follow (`attribute`, `attributes`), then `endSpan`. No span object, context or attribute map
   * is needed. `remoteParent` is the parent context's isRemote.
   */
  beginSpan(
    traceId: string,
    spanId: string,
    traceState: TraceState | undefined,
    parentSpanId: string | undefined,
    remoteParent: boolean,
    name: string,
    kind: SpanKind,
    startMs: number,
    endMs: number,
    ids?: IdBytes,
  ): void {
    const w = this.w;
    this.spanAt = writeSpanStart(w, traceId, spanId, traceState?.serialize(), parentSpanId, ids);
    this.spanFlags = flags(TraceFlags.SAMPLED, remoteParent);
    w.string(0x2a, name);
    w.room(32);
    w.byte(0x30);
    w.varint(kind + 1);
    w.byte(0x39);
    w.timeMs(startMs);
    w.byte(0x41);
    w.timeMs(endMs);
  }

  attribute(key: AttributeKey, value: AttributeValue): void {
    const values = key.values;
    if (values !== undefined) {
      let bytes = values.get(value);
      if (bytes === undefined && values.size < MAX_VALUES_PER_KEY) {
        bytes = keyValueBytes(key.bytes, value);
        values.set(value, bytes);
      }
      if (bytes !== undefined) {
        this.w.room(bytes.length);
        this.w.bytes(bytes);
        return;
      }
    }
    writeKeyValue(this.w, 0x4a, key.bytes, value);
  }

  /** A run's attributes, in its order, as `attribute` of each would write them. */
  attributeRun(run: AttributeRun): void {
    const bytes = run.bytes;
    this.w.room(bytes.length);
    this.w.bytes(bytes);
  }

  /** A set's attributes, `values[i]` for `set.keys[i]` (undefined: absent), as `attribute` of each would write them. */
  attributeSet(set: AttributeSet, values: readonly (AttributeValue | undefined)[]): void {
    const w = this.w;
    const bytes = set.find(values);
    if (bytes !== undefined) {
      w.room(bytes.length);
      w.bytes(bytes);
      return;
    }
    const start = w.pos;
    const keys = set.keys;
    for (let i = 0; i < keys.length; i++) {
      const value = values[i];
      if (value !== undefined) this.attribute(keys[i] as AttributeKey, value);
    }
    set.keep(values, w.buf.subarray(start, w.pos));
  }

  /** Attributes given as a map (what content capture adds), in their own order. */
  attributes(attributes: Attributes): void {
    writeAttributes(this.w, 0x4a, attributes);
  }

  /** Ends the span begun, with `status` and no dropped attributes, events or links. */
  endSpan(status: SpanStatus): void {
    const w = this.w;
    w.room(16);
    w.byte(0x50);
    w.byte(0);
    w.byte(0x60);
    w.byte(0);
    w.byte(0x70);
    w.byte(0);
    writeSpanEnd(w, this.spanAt, status, this.spanFlags);
    this.count++;
  }

  /** The whole buffer the batch is written in (`finish` returns a part of it), to write a later batch into. */
  get buffer(): Buffer {
    return this.w.buf;
  }

  /** The request's bytes; the writer is done with after this. */
  finish(): Buffer {
    const { w, headerRoom, resource, scope, resourceMessage, scopeMessage } = this;
    if (this.count > 0) bytesPerSpan = Math.ceil((w.pos - headerRoom) / this.count) + 16;
    if (scope.schemaUrl) w.string(0x1a, scope.schemaUrl);
    const scopeSpansLength = scopeMessage.length + w.pos - headerRoom;
    const afterScopeSpans = w.pos;
    if (resource.schemaUrl) w.string(0x1a, resource.schemaUrl);
    const resourceSpansLength =
      resourceMessage.length + 1 + varintSize(scopeSpansLength) + scopeSpansLength + w.pos - afterScopeSpans;
    const end = w.pos;
    const start =
      headerRoom -
      (1 + varintSize(resourceSpansLength) + resourceMessage.length) -
      (1 + varintSize(scopeSpansLength) + scopeMessage.length);
    w.pos = start;
    w.byte(0x0a);
    w.varint(resourceSpansLength);
    resourceMessage.copy(w.buf, w.pos);
    w.pos += resourceMessage.length;
    w.byte(0x12);
    w.varint(scopeSpansLength);
    scopeMessage.copy(w.buf, w.pos);
    return w.buf.subarray(start, end);
  }
}

function encodeGroup(resource: Resource, scope: InstrumentationScope, spans: readonly ReadableSpan[]): Buffer {
  const batch = new SpanBatchWriter(resource, scope, spans.length);
  for (const span of spans) batch.add(span);
  return batch.finish();
}

/** Spans of several resources or scopes (not the gateway's own): each length is written after its content. */
function encodeGroups(groups: Map<Resource, Map<InstrumentationScope, ReadableSpan[]>>, count: number): Buffer {
  const w = new Writer(count * bytesPerSpan + 1024);
  for (const [resource, byScope] of groups) {
    const resourceMessage = resourceBytes(resource);
    w.room(resourceMessage.length + 8);
    w.byte(0x0a);
    const resourceSpans = w.begin(1);
    resourceMessage.copy(w.buf, w.pos);
    w.pos += resourceMessage.length;
    for (const [scope, spans] of byScope) {
      const scopeMessage = scopeBytes(scope);
      w.room(scopeMessage.length + 8);
      w.byte(0x12);
      const scopeSpans = w.begin(1);
      scopeMessage.copy(w.buf, w.pos);
      w.pos += scopeMessage.length;
      for (const span of spans) writeSpan(w, span);
      if (scope.schemaUrl) w.string(0x1a, scope.schemaUrl);
      w.end(scopeSpans, 1);
    }
    if (resource.schemaUrl) w.string(0x1a, resource.schemaUrl);
    w.end(resourceSpans, 1);
  }
  return w.buf.subarray(0, w.pos);
}

/** ExportTraceServiceRequest for `spans`, grouped by resource and then scope (by identity), in order of first sight. */
export function encodeTraceRequest(spans: readonly ReadableSpan[]): Uint8Array {
  const first = spans[0];
  if (first === undefined) return new Uint8Array(0);
  const { resource, instrumentationScope } = first;
  let mixed = false;
  for (const span of spans) {
    if (span.resource !== resource || span.instrumentationScope !== instrumentationScope) {
      mixed = true;
      break;
    }
  }
  if (!mixed) return encodeGroup(resource, instrumentationScope, spans);
  const groups = new Map<Resource, Map<InstrumentationScope, ReadableSpan[]>>();
  for (const span of spans) {
    let byScope = groups.get(span.resource);
    if (!byScope) {
      byScope = new Map();
      groups.set(span.resource, byScope);
    }
    const list = byScope.get(span.instrumentationScope);
    if (list) list.push(span);
    else byScope.set(span.instrumentationScope, [span]);
  }
  return encodeGroups(groups, spans.length);
}
