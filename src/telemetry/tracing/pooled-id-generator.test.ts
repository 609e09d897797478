import { isValidSpanId, isValidTraceId } from '@opentelemetry/api';
import { describe, expect, it } from 'vitest';
import { PooledIdGenerator } from './pooled-id-generator.js';

describe('pooled id generator', () => {
  it('gives valid lowercase hex trace and span ids, all different, across pool refills', () => {
    const ids = new PooledIdGenerator();
    const seen = new Set<string>();
    // 3,000 requests' ids: 120 kB, several refills of the 8 kB pool.
    for (let i = 0; i < 3_000; i++) {
      const traceId = ids.generateTraceId();
      const spanIds = [ids.generateSpanId(), ids.generateSpanId()];
      expect(traceId).toMatch(/^[0-9a-f]{32}$/);
      expect(isValidTraceId(traceId)).toBe(true);
      for (const spanId of spanIds) {
        expect(spanId).toMatch(/^[0-9a-f]{16}$/);
        expect(isValidSpanId(spanId)).toBe(true);
        seen.add(spanId);
      }
      seen.add(traceId);
    }
    expect(seen.size).toBe(9_000);
  });

  it('turns an all-zero draw into a valid id, as the SDK generator does', () => {
    const ids = new PooledIdGenerator();
    // Drain the pool's first fill, then zero what the next ids are cut from.
    ids.generateSpanId();
    const pool = (ids as unknown as { pool: Buffer; at: number }).pool;
    const at = (ids as unknown as { at: number }).at;
    pool.fill(0, at, at + 24);
    expect(ids.generateTraceId()).toBe(`${'0'.repeat(30)}01`);
    expect(ids.generateSpanId()).toBe(`${'0'.repeat(14)}01`);
  });
});
