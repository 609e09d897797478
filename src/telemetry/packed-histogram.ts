import { BUCKETS, emptyHistogram } from './latency-histogram.js';

/**
 * A histogram packed as one byte (the first non-empty bucket) and then the little-endian uint32 counts up to the
 * last non-empty bucket. Real latencies fill a handful of neighbouring buckets, so a histogram is a few dozen
 * bytes rather than 256: less for a chart to read per rollup row, and less to carry from the store's worker.
 * The odd length (1 + 4n) tells it from the untrimmed 256-byte form that older rollup rows hold, which
 * addPacked still reads.
 */
export function packHistogram(counts: readonly number[]): Buffer {
  let first = 0;
  while (first < BUCKETS && !counts[first]) first++;
  let last = BUCKETS - 1;
  while (last >= first && !counts[last]) last--;
  const length = Math.max(0, last - first + 1);
  const buffer = Buffer.alloc(1 + length * 4);
  buffer.writeUInt8(length === 0 ? 0 : first, 0);
  for (let i = 0; i < length; i++) buffer.writeUInt32LE(Math.min(counts[first + i] ?? 0, 0xffffffff), 1 + i * 4);
  return buffer;
}

/** Adds a packed histogram (trimmed, or the older full 256-byte form) into `into`. */
export function addPacked(into: number[], packed: Uint8Array | null | undefined): void {
  if (!packed || packed.byteLength === 0) return;
  const view = new DataView(packed.buffer, packed.byteOffset, packed.byteLength);
  const trimmed = packed.byteLength % 4 === 1;
  const first = trimmed ? view.getUint8(0) : 0;
  const start = trimmed ? 1 : 0;
  const count = Math.min(BUCKETS - first, Math.floor((packed.byteLength - start) / 4));
  for (let i = 0; i < count; i++) {
    const index = first + i;
    into[index] = (into[index] ?? 0) + view.getUint32(start + i * 4, true);
  }
}

/** A packed histogram as text, the form chart points travel in (JSON between the store's worker and the API). */
export type PackedHistogram = string;

export function toPacked(counts: readonly number[]): PackedHistogram {
  return packHistogram(counts).toString('base64');
}

export function addPackedText(into: number[], packed: PackedHistogram): void {
  addPacked(into, Buffer.from(packed, 'base64'));
}

export function fromPacked(packed: PackedHistogram): number[] {
  const counts = emptyHistogram();
  addPackedText(counts, packed);
  return counts;
}
