import { randomFillSync } from 'node:crypto';
import type { IdGenerator } from '@opentelemetry/sdk-trace-base';

const POOL_BYTES = 8_192;

/**
 * Trace and span ids (lowercase hex, 16 and 8 bytes) cut from one buffer of cryptographic random bytes,
 * refilled with one `randomFillSync` every few hundred requests. The SDK's RandomIdGenerator makes four or two
 * `Math.random` calls per id and writes each into a buffer; a traced request takes three ids.
 *
 * The pool is turned into hex once per refill and each id is a slice of that string (a V8 sliced string: a small
 * object pointing into it, no copy). A `toString('hex', start, end)` per id is a call into C++: ~75 ns an id
 * alone against ~5 ns for the slice, and in a CPU profile of a serving gateway (stream, load 16) its `hexSlice`
 * was the largest single tracing entry, ~4.7 µs of sampled time a request.
 *
 * Each refill is a new buffer, never written over: an id's bytes stay where they were cut (`lastPool`, `lastAt`),
 * so the span encoder copies them instead of decoding the id's hex again (15% of the tracer's instructions).
 */
export class PooledIdGenerator implements IdGenerator {
  private pool = Buffer.alloc(0);
  /** The bytes of the id made last: `lastPool` from `lastAt` (read right after `generate…`). */
  lastPool: Uint8Array = this.pool;
  lastAt = 0;
  /** `pool` as lowercase hex, as it was filled. */
  private hex = '';
  private at = POOL_BYTES;

  generateTraceId(): string {
    return this.take(16);
  }

  generateSpanId(): string {
    return this.take(8);
  }

  private take(bytes: number): string {
    let pool = this.pool;
    if (this.at + bytes > POOL_BYTES) {
      // A buffer of its own (allocUnsafeSlow: no slice of Node's shared pool), 40 bytes a traced request.
      pool = Buffer.allocUnsafeSlow(POOL_BYTES);
      this.pool = pool;
      randomFillSync(pool);
      this.hex = pool.toString('hex');
      this.at = 0;
    }
    const start = this.at;
    this.at = start + bytes;
    this.lastPool = pool;
    this.lastAt = start;
    // An all-zero id is invalid (W3C trace context): as the SDK's generator, make its last byte 1.
    let zero = true;
    for (let i = start; i < start + bytes; i++) {
      if (pool[i] !== 0) {
        zero = false;
        break;
      }
    }
    if (zero) {
      pool[start + bytes - 1] = 1;
      return pool.toString('hex', start, start + bytes);
    }
    return this.hex.slice(2 * start, 2 * (start + bytes));
  }
}
