import { describe, expect, it } from 'vitest';
import { BUCKETS, emptyHistogram } from './latency-histogram.js';
import { addPacked, fromPacked, packHistogram, toPacked } from './packed-histogram.js';

function histogram(counts: Record<number, number>): number[] {
  const h = emptyHistogram();
  for (const [i, n] of Object.entries(counts)) h[Number(i)] = n;
  return h;
}

describe('packed histograms', () => {
  it('keep only the span of non-empty buckets and read back exactly', () => {
    const h = histogram({ 20: 3, 22: 70_000, 25: 1 });
    const packed = packHistogram(h);
    expect(packed.byteLength).toBe(1 + 6 * 4);
    const into = emptyHistogram();
    addPacked(into, packed);
    addPacked(into, packed);
    expect(into).toEqual(h.map((n) => n * 2));
  });

  it('pack an empty histogram to one byte and the edges whole', () => {
    expect(packHistogram(emptyHistogram()).byteLength).toBe(1);
    const edges = histogram({ 0: 1, [BUCKETS - 1]: 2 });
    const into = emptyHistogram();
    addPacked(into, packHistogram(edges));
    expect(into).toEqual(edges);
  });

  it('still read the full 256-byte form of rows written before trimming', () => {
    const full = Buffer.alloc(BUCKETS * 4);
    full.writeUInt32LE(5, 10 * 4);
    full.writeUInt32LE(7, (BUCKETS - 1) * 4);
    const into = emptyHistogram();
    addPacked(into, full);
    expect(into).toEqual(histogram({ 10: 5, [BUCKETS - 1]: 7 }));
  });
});

describe('packed histograms as text', () => {
  it('round-trip through base64', () => {
    const h = histogram({ 3: 1, 40: 2 ** 31 });
    expect(fromPacked(toPacked(h))).toEqual(h);
    expect(fromPacked(toPacked(emptyHistogram()))).toEqual(emptyHistogram());
  });
});
