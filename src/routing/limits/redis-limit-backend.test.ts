import { randomBytes } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import type { Bucket } from './limit-buckets.js';
import { RedisLimitBackend } from './redis-limit-backend.js';

const REDIS_URL = process.env.REDIS_URL;

/** Buckets under a prefix no earlier run used, so their counters in the shared Redis start at zero. */
function buckets(): (kind: Bucket['kind'], limit: number, amount: number) => Bucket {
  const prefix = `amg:test:${randomBytes(4).toString('hex')}`;
  return (kind, limit, amount) => ({
    key: `${prefix}:${kind}`,
    kind,
    limit,
    amount,
    resetAt: kind === 'concurrent' ? Number.POSITIVE_INFINITY : Date.now() + 60_000,
    label: kind,
    pattern: undefined,
  });
}

async function connected(url: string): Promise<RedisLimitBackend> {
  const backend = new RedisLimitBackend(url);
  const deadline = Date.now() + 5_000;
  while (!backend.ready && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
  return backend;
}

describe.skipIf(!REDIS_URL)('RedisLimitBackend', () => {
  const open: RedisLimitBackend[] = [];
  const backend = async () => {
    const created = await connected(REDIS_URL ?? '');
    open.push(created);
    return created;
  };
  afterEach(async () => {
    await Promise.all(open.splice(0).map((b) => b.close()));
  });

  it('decides the admissions of one turn in one call, in order, each all-or-nothing', async () => {
    const redis = await backend();
    const bucket = buckets();
    const requests = bucket('requests', 5, 1);
    const budget = bucket('budget', 1_000, 300);
    const admissions = await Promise.all(Array.from({ length: 8 }, () => redis.admit([requests, budget], Date.now())));
    // Three fit the budget; the fourth is refused by it and charges neither counter.
    expect(admissions.map((a) => a.denied)).toEqual([-1, -1, -1, 1, 1, 1, 1, 1]);
    expect(admissions[2]?.used).toEqual([3, 900]);
    expect(admissions[3]?.used).toEqual([3, 900]);
  });

  it('reads limits JavaScript writes with an exponent', async () => {
    const redis = await backend();
    const bucket = buckets();
    const admission = await redis.admit([bucket('budget', 1e21, 7), bucket('requests', 1, 1)], Date.now());
    expect(admission).toEqual({ denied: -1, used: [7, 1] });
  });

  it('applies the settlements queued in a turn before its admissions', async () => {
    const redis = await backend();
    const slot = buckets()('concurrent', 1, 1);
    expect((await redis.admit([slot], Date.now())).denied).toBe(-1);
    redis.settle([{ bucket: slot, delta: -1 }]);
    expect(await redis.admit([slot], Date.now())).toEqual({ denied: -1, used: [1] });
  });

  it('shares one limit between backends (gateway processes) admitting at once', async () => {
    const [a, b] = await Promise.all([backend(), backend()]);
    const rpm = buckets()('requests', 10, 1);
    const asks = Array.from({ length: 20 }, (_, i) => (i % 2 === 0 ? a : b).admit([rpm], Date.now()));
    const admitted = (await Promise.all(asks)).filter((admission) => admission.denied === -1);
    expect(admitted).toHaveLength(10);
  });

  it('rejects the admissions of a turn when Redis is not connected (the service then counts in-process)', async () => {
    const redis = await backend();
    await redis.close();
    const slot = buckets()('concurrent', 1, 1);
    await expect(redis.admit([slot], Date.now())).rejects.toThrow();
  });
});
