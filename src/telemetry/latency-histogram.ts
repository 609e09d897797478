/**
 * Fixed log-scale latency buckets shared by every rollup row, so histograms merge by adding counts — across
 * minutes, hours, dimensions and gateway instances alike. Bucket 0 holds everything under 1 ms; bucket i
 * (1..62) holds [2^((i-1)/3), 2^(i/3)) ms, a 26% step; bucket 63 holds everything from ~28 minutes up.
 * A percentile read from merged buckets is therefore exact to one bucket.
 */
export const BUCKETS = 64;
const STEPS_PER_DOUBLING = 3;

/** The bucket a duration in milliseconds falls in. */
export function bucketOf(ms: number): number {
  if (!(ms >= 1)) return 0;
  const index = Math.floor(Math.log2(ms) * STEPS_PER_DOUBLING) + 1;
  return index >= BUCKETS - 1 ? BUCKETS - 1 : index;
}

/** The lower bound in milliseconds of bucket `index`. */
export function bucketLowerMs(index: number): number {
  return index <= 0 ? 0 : 2 ** ((index - 1) / STEPS_PER_DOUBLING);
}

/** The upper bound in milliseconds of bucket `index` (the last bucket has none: its lower bound is given). */
export function bucketUpperMs(index: number): number {
  return index >= BUCKETS - 1 ? bucketLowerMs(index) : 2 ** (index / STEPS_PER_DOUBLING);
}

export function emptyHistogram(): number[] {
  return new Array<number>(BUCKETS).fill(0);
}

/** Adds `from` into `into`, bucket by bucket. */
export function mergeInto(into: number[], from: readonly number[]): number[] {
  for (let i = 0; i < BUCKETS; i++) into[i] = (into[i] ?? 0) + (from[i] ?? 0);
  return into;
}

/**
 * The q-quantile (0..1) of a histogram: the geometric middle of the bucket holding it (the midpoint of the
 * first bucket), so the answer is never more than half a bucket from the bucket's true values. Null when empty.
 */
export function quantile(histogram: readonly number[], q: number): number | null {
  let total = 0;
  for (const count of histogram) total += count;
  if (total === 0) return null;
  const rank = Math.max(1, Math.ceil(q * total));
  let seen = 0;
  for (let i = 0; i < BUCKETS; i++) {
    seen += histogram[i] ?? 0;
    if (seen >= rank) {
      if (i === 0) return 0.5;
      if (i === BUCKETS - 1) return bucketLowerMs(i);
      return Math.sqrt(bucketLowerMs(i) * bucketUpperMs(i));
    }
  }
  return bucketLowerMs(BUCKETS - 1);
}
