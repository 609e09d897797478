import { describe, expect, it } from 'vitest';
import type { Bucket } from './limit-buckets.js';
import { MemoryLimitBackend } from './memory-limit-backend.js';

const bucket = (kind: Bucket['kind'], limit: number, amount: number, resetAt = 60_000): Bucket => ({
  key: `k:${kind}`,
  kind,
  limit,
  amount,
  resetAt,
  label: kind,
  pattern: undefined,
});

describe('MemoryLimitBackend', () => {
  it('charges every bucket only when all have room', () => {
    const backend = new MemoryLimitBackend();
    const requests = bucket('requests', 2, 1);
    const budget = bucket('budget', 100, 60);
    expect(backend.admit([requests, budget], 0)).toEqual({ denied: -1, used: [1, 60] });
    // The budget has no room for a second 60: neither counter moves.
    expect(backend.admit([requests, budget], 0)).toEqual({ denied: 1, used: [1, 60] });
    backend.settle([{ bucket: budget, delta: -50 }], 0);
    expect(backend.admit([requests, budget], 0)).toEqual({ denied: -1, used: [2, 70] });
  });

  it('lets one oversized token estimate into an empty window only', () => {
    const backend = new MemoryLimitBackend();
    const tokens = bucket('tokens', 100, 150);
    expect(backend.admit([tokens], 0).denied).toBe(-1);
    expect(backend.admit([tokens], 0).denied).toBe(0);
  });

  it('starts a window over when it ends, and ignores settlements for a window that passed', () => {
    const backend = new MemoryLimitBackend();
    const requests = bucket('requests', 1, 1, 60_000);
    expect(backend.admit([requests], 1_000).denied).toBe(-1);
    expect(backend.admit([requests], 59_999).denied).toBe(0);
    const next = { ...requests, resetAt: 120_000 };
    expect(backend.admit([next], 60_000).denied).toBe(-1);
    backend.settle([{ bucket: requests, delta: -1 }], 130_000);
    expect(backend.admit([{ ...requests, resetAt: 180_000 }], 130_000).denied).toBe(-1);
  });

  it('never takes a counter below zero, and seeds only a counter that does not exist', () => {
    const backend = new MemoryLimitBackend();
    const budget = bucket('budget', 100, 10, Number.POSITIVE_INFINITY);
    backend.seed(budget, 95, 0);
    expect(backend.admit([budget], 0)).toEqual({ denied: 0, used: [95] });
    backend.seed(budget, 0, 0);
    backend.settle([{ bucket: budget, delta: -1_000 }], 0);
    expect(backend.admit([budget], 0)).toEqual({ denied: -1, used: [10] });
  });
});
