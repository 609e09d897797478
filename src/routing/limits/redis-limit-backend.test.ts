import { randomBytes } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import type { Bucket } from './limit-buckets.js';
import { RedisLimitBackend } from './redis-limit-backend.js';

const REDIS_URL = process.env.REDIS_URL;

/** Buckets under a prefix no earlier run used, so their counters in the shared Redis start at zero. */
function buckets(): (kind: Bucket['kind'], limit: number) => Bucket {
  const prefix = `amg:test:${randomBytes(4).toString('hex')}`;
  return (kind, limit) => ({
    key: `${prefix}:${kind}`,
    kind,
    limit,
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
    const plan = [bucket('requests', 5), bucket('budget', 1_000)];
    const charge = { tokens: 0, micros: 300 };
    const admissions = await Promise.all(Array.from({ length: 8 }, () => redis.admit(plan, charge, Date.now())));
    // Three fit the budget; the fourth is refused by it and charges neither counter.
    expect(admissions.map((a) => a.denied)).toEqual([-1, -1, -1, 1, 1, 1, 1, 1]);
    expect(admissions[2]?.used).toEqual([3, 900]);
    expect(admissions[3]?.used).toEqual([3, 900]);
  });

  it('reads limits JavaScript writes with an exponent', async () => {
    const redis = await backend();
    const bucket = buckets();
    const admission = await redis.admit(
      [bucket('budget', 1e21), bucket('requests', 1)],
      { tokens: 0, micros: 7 },
      Date.now(),
    );
    expect(admission).toEqual({ denied: -1, used: [7, 1] });
  });

  it('takes tokens, micro-USD and one request from each plan, and settles the differences', async () => {
    const redis = await backend();
    const bucket = buckets();
    const plan = [bucket('requests', 10), bucket('tokens', 1_000), bucket('concurrent', 10), bucket('budget', 1e6)];
    // Two plans in one call: the same counters listed twice must count as one.
    const other = [...plan];
    const [first, second] = await Promise.all([
      redis.admit(plan, { tokens: 300, micros: 7 }, Date.now()),
      redis.admit(other, { tokens: 100, micros: 3 }, Date.now()),
    ]);
    expect(first).toEqual({ denied: -1, used: [1, 300, 1, 7] });
    expect(second).toEqual({ denied: -1, used: [2, 400, 2, 10] });
    redis.settle(plan, { tokens: -280, micros: 5 });
    expect(await redis.admit(plan, { tokens: 0, micros: 0 }, Date.now())).toEqual({
      denied: -1,
      used: [3, 120, 2, 15],
    });
  });

  it('expires window counters after their window and its slack, from the gateway clock', async () => {
    const redis = await backend();
    const rpm = { ...buckets()('requests', 5), resetAt: Date.now() - 4_900 };
    expect((await redis.admit([rpm], { tokens: 0, micros: 0 }, Date.now())).denied).toBe(-1);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(await redis.admit([rpm], { tokens: 0, micros: 0 }, Date.now())).toEqual({ denied: -1, used: [1] });
  });

  it('applies the settlements queued in a turn before its admissions', async () => {
    const redis = await backend();
    const slot = [buckets()('concurrent', 1)];
    const none = { tokens: 0, micros: 0 };
    expect((await redis.admit(slot, none, Date.now())).denied).toBe(-1);
    redis.settle(slot, none);
    expect(await redis.admit(slot, none, Date.now())).toEqual({ denied: -1, used: [1] });
  });

  it('shares one limit between backends (gateway processes) admitting at once', async () => {
    const [a, b] = await Promise.all([backend(), backend()]);
    const rpm = [buckets()('requests', 10)];
    const asks = Array.from({ length: 20 }, (_, i) =>
      (i % 2 === 0 ? a : b).admit(rpm, { tokens: 0, micros: 0 }, Date.now()),
    );
    const admitted = (await Promise.all(asks)).filter((admission) => admission.denied === -1);
    expect(admitted).toHaveLength(10);
  });

  it('rejects the admissions of a turn when Redis is not connected (the service then counts in-process)', async () => {
    const redis = await backend();
    await redis.close();
    const slot = buckets()('concurrent', 1);
    await expect(redis.admit([slot], { tokens: 0, micros: 0 }, Date.now())).rejects.toThrow();
  });
});
