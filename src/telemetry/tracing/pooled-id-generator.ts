import { randomFillSync } from 'node:crypto';
import type { IdGenerator } from '@opentelemetry/sdk-trace-base';

const POOL_BYTES = 8_192;

/**
 * Trace and span ids (lowercase hex, 16 and 8 bytes) cut from one buffer of cryptographic random bytes,
 * refilled with one `randomFillSync` every few hundred requests. The SDK's RandomIdGenerator makes four or two
 * `Math.random` calls per id and writes each into a buffer; a traced request takes three ids.
 */
export class PooledIdGenerator implements IdGenerator {
  private readonly pool = Buffer.allocUnsafe(POOL_BYTES);
  private at = POOL_BYTES;

  generateTraceId(): string {
    return this.take(16);
  }

  generateSpanId(): string {
    return this.take(8);
  }

  private take(bytes: number): string {
    const pool = this.pool;
    if (this.at + bytes > POOL_BYTES) {
      randomFillSync(pool);
      this.at = 0;
    }
    const start = this.at;
    this.at = start + bytes;
    // An all-zero id is invalid (W3C trace context): as the SDK's generator, make its last byte 1.
    let zero = true;
    for (let i = start; i < start + bytes; i++) {
      if (pool[i] !== 0) {
        zero = false;
        break;
      }
    }
    if (zero) pool[start + bytes - 1] = 1;
    return pool.toString('hex', start, start + bytes);
  }
}
