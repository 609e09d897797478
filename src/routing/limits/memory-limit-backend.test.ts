import { describe, expect, it } from 'vitest';
import type { Bucket } from './limit-buckets.js';
import { MemoryLimitBackend } from './memory-limit-backend.js';

const bucket = (kind: Bucket['kind'], limit: number, resetAt = 60_000): Bucket => ({
  key: `k:${kind}`,
  kind,
  limit,
  resetAt,
  label: kind,
  pattern: undefined,
});
const none = { tokens: 0, micros: 0 };

describe('MemoryLimitBackend', () => {
  it('charges every bucket only when all have room', () => {
    const backend = new MemoryLimitBackend();
    const requests = bucket('requests', 2);
    const budget = bucket('budget', 100);
    const charge = { tokens: 0, micros: 60 };
    expect(backend.admit([requests, budget], charge, 0)).toEqual({ denied: -1, used: [1, 60] });
    // The budget has no room for a second 60: neither counter moves.
    expect(backend.admit([requests, budget], charge, 0)).toEqual({ denied: 1, used: [1, 60] });
    backend.settle([requests, budget], { tokens: 0, micros: -50 }, 0);
    expect(backend.admit([requests, budget], charge, 0)).toEqual({ denied: -1, used: [2, 70] });
  });

  it('takes tokens from token buckets, micro-USD from budgets and one from requests and slots', () => {
    const backend = new MemoryLimitBackend();
    const buckets = [bucket('requests', 10), bucket('tokens', 1_000), bucket('concurrent', 10), bucket('budget', 1e6)];
    expect(backend.admit(buckets, { tokens: 300, micros: 7 }, 0)).toEqual({ denied: -1, used: [1, 300, 1, 7] });
    backend.settle(buckets, { tokens: -280, micros: 5 }, 0);
    expect(backend.admit(buckets, none, 0)).toEqual({ denied: -1, used: [2, 20, 1, 12] });
  });

  it('lets one oversized token estimate into an empty window only', () => {
    const backend = new MemoryLimitBackend();
    const tokens = [bucket('tokens', 100)];
    expect(backend.admit(tokens, { tokens: 150, micros: 0 }, 0).denied).toBe(-1);
    expect(backend.admit(tokens, { tokens: 150, micros: 0 }, 0).denied).toBe(0);
  });

  it('gives a concurrency slot back when its request settles', () => {
    const backend = new MemoryLimitBackend();
    const slot = [bucket('concurrent', 1, Number.POSITIVE_INFINITY)];
    expect(backend.admit(slot, none, 0).denied).toBe(-1);
    expect(backend.admit(slot, none, 0).denied).toBe(0);
    backend.settle(slot, none, 0);
    expect(backend.admit(slot, none, 0)).toEqual({ denied: -1, used: [1] });
  });

  it('starts a window over when it ends, and ignores settlements for a window that passed', () => {
    const backend = new MemoryLimitBackend();
    const requests = bucket('requests', 1, 60_000);
    expect(backend.admit([requests], none, 1_000).denied).toBe(-1);
    expect(backend.admit([requests], none, 59_999).denied).toBe(0);
    expect(backend.admit([{ ...requests, resetAt: 120_000 }], none, 60_000).denied).toBe(-1);
    const tokens = bucket('tokens', 1_000, 60_000);
    expect(backend.admit([tokens], { tokens: 10, micros: 0 }, 1_000).used).toEqual([10]);
    backend.settle([tokens], { tokens: 500, micros: 0 }, 70_000);
    const next = { ...tokens, resetAt: 120_000 };
    expect(backend.admit([next], { tokens: 10, micros: 0 }, 70_000).used).toEqual([10]);
  });

  it('never takes a counter below zero, and seeds only a counter that does not exist', () => {
    const backend = new MemoryLimitBackend();
    const budget = bucket('budget', 100, Number.POSITIVE_INFINITY);
    const charge = { tokens: 0, micros: 10 };
    backend.seed(budget, 95, 0);
    expect(backend.admit([budget], charge, 0)).toEqual({ denied: 0, used: [95] });
    backend.seed(budget, 0, 0);
    backend.settle([budget], { tokens: 0, micros: -1_000 }, 0);
    expect(backend.admit([budget], charge, 0)).toEqual({ denied: -1, used: [10] });
  });
});
