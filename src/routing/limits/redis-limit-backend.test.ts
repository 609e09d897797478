import { randomBytes } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { TcpProxy } from '../../../test/support/tcp-proxy.js';
import type { Bucket } from './limit-buckets.js';
import { precedingBuckets } from './limit-plan.js';
import { MAX_LEASE_REQUESTS, MIN_LEASE_RATE } from './plan-lease.js';
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

async function connected(url: string, leaseTickMs?: number): Promise<RedisLimitBackend> {
  const backend = new RedisLimitBackend(url, leaseTickMs === undefined ? {} : { leaseTickMs });
  const deadline = Date.now() + 5_000;
  while (!backend.ready && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
  return backend;
}

describe.skipIf(!REDIS_URL)('RedisLimitBackend', () => {
  const open: RedisLimitBackend[] = [];
  /** leaseTickMs 0: no lease timer, the test ticks (see tickLeases). */
  const backend = async (leaseTickMs?: number) => {
    const created = await connected(REDIS_URL ?? '', leaseTickMs);
    open.push(created);
    return created;
  };
  afterEach(async () => {
    await Promise.all(open.splice(0).map((b) => b.close()));
  });
  /** Runs `use` with a backend (the test ticks) that reaches Redis through a proxy the test can stall or cut. */
  const throughProxy = async (use: (redis: RedisLimitBackend, proxy: TcpProxy) => Promise<void>) => {
    const proxy = await TcpProxy.start(REDIS_URL ?? '');
    try {
      const redis = await connected(proxy.url, 0);
      open.push(redis);
      await use(redis, proxy);
    } finally {
      await proxy.cut();
    }
  };

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

  it('keeps sharing when this process stalls past the command timeout while Redis answers in time', async () => {
    const redis = await backend();
    const slot = buckets()('concurrent', 5);
    const admission = redis.admit([slot], { tokens: 0, micros: 0 }, Date.now());
    // The call goes out in the next check phase (scheduleFlush); the stall starts right after it.
    await new Promise((resolve) => setImmediate(resolve));
    const until = Date.now() + 800;
    while (Date.now() < until) {
      // A synchronous stall longer than COMMAND_TIMEOUT_MS: the answer arrives meanwhile.
    }
    await expect(admission).resolves.toEqual({ denied: -1, used: [1] });
    expect(redis.ready).toBe(true);
  });

  it('answers the admissions queued behind a call to a hung Redis when that call times out, not one timeout later', async () => {
    await throughProxy(async (redis, proxy) => {
      const slot = buckets()('concurrent', 5);
      proxy.stall();
      const first = redis.admit([slot], { tokens: 0, micros: 0 }, Date.now());
      // Out in the next check phase; the one after it waits for that call's answer (one call at a time).
      await new Promise((resolve) => setImmediate(resolve));
      const started = Date.now();
      const queued = redis.admit([slot], { tokens: 0, micros: 0 }, Date.now());
      await expect(first).rejects.toThrow(/timed out/);
      await expect(queued).rejects.toThrow();
      // Refused with the first call's timeout (500 ms), not sent to the hung server for another one.
      expect(Date.now() - started).toBeLessThan(800);
      expect(redis.ready).toBe(false);
    });
  });

  it('keeps its counters in the db its URL names (through the test proxy as well)', async () => {
    const url = new URL(REDIS_URL ?? '');
    url.pathname = '/9';
    const proxy = await TcpProxy.start(url.toString());
    const { Redis } = await import('ioredis');
    const db9 = new Redis(url.toString());
    const db0 = new Redis(REDIS_URL ?? '');
    try {
      const redis = await connected(proxy.url, 0);
      open.push(redis);
      const rpm = buckets()('requests', 5);
      expect(await redis.admit([rpm], { tokens: 0, micros: 0 }, Date.now())).toEqual({ denied: -1, used: [1] });
      expect(await db9.get(rpm.key)).toBe('1');
      expect(await db0.get(rpm.key)).toBeNull();
    } finally {
      db9.disconnect();
      db0.disconnect();
      await proxy.cut();
    }
  });

  /** A Redis counter as it is, leases included. */
  const counter = async (key: string) => {
    const { Redis } = await import('ioredis');
    const probe = new Redis(REDIS_URL ?? '');
    try {
      return Number((await probe.get(key)) ?? 0);
    } finally {
      probe.disconnect();
    }
  };
  const none = { tokens: 0, micros: 0 };

  it('admits a busy plan from a lease without a round trip, and gives what is left back once it is idle', async () => {
    const redis = await backend(0);
    const rpm = buckets()('requests', 1_000_000);
    const plan = [rpm];
    // Quiet: each admission asks Redis, and Redis counts exactly what was admitted.
    const quiet = Array.from({ length: MIN_LEASE_RATE - 1 }, () => redis.admit(plan, none, Date.now()));
    for (const admission of quiet) expect(admission).toBeInstanceOf(Promise);
    await Promise.all(quiet);
    expect(await counter(rpm.key)).toBe(15);
    // The 16th admission of the tick makes the plan busy: it also leases 16 requests' worth, in the same tick.
    // The four after it wait for that lease and take from it: Redis counts 16 admitted and the 16 leased.
    const busy = Array.from({ length: 5 }, () => redis.admit(plan, none, Date.now()));
    for (const admission of busy) expect(admission).toBeInstanceOf(Promise);
    expect((await Promise.all(busy)).map((admission) => admission.used[0])).toEqual([16, 17, 18, 19, 20]);
    expect(await counter(rpm.key)).toBe(16 + 16);
    expect(redis.admit(plan, none, Date.now())).toEqual({ denied: -1, used: [21] });
    expect(await counter(rpm.key)).toBe(21 + 11);
    redis.tickLeases(); // busy in this tick: the lease is kept
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(await counter(rpm.key)).toBe(21 + 11);
    // The next tick's leases are sized by the last tick's 21 admissions.
    const leasing = redis.admit(plan, none, Date.now());
    expect(leasing).toEqual({ denied: -1, used: [22] });
    // That left 10, below half of the 21 the last tick had: a top-up went out; let it land.
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(await counter(rpm.key)).toBe(22 + 21);
    redis.tickLeases(); // busy: kept
    redis.tickLeases(); // idle for a tick: what it holds goes back
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(await counter(rpm.key)).toBe(22);
  });

  it('leases in the first call of a burst after a pause, so the requests arriving with it wait one round trip', async () => {
    const redis = await backend(0);
    const rpm = buckets()('requests', 1_000_000);
    const plan = [rpm];
    await Promise.all(Array.from({ length: 200 }, () => redis.admit(plan, none, Date.now())));
    redis.tickLeases(); // busy: 200 admissions in the tick
    redis.tickLeases(); // idle: the lease goes back
    redis.tickLeases();
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(await counter(rpm.key)).toBe(200);
    // 64 requests at once: the first asks for the last busy tick's 200 requests' worth, the 63 others wait for
    // that call and take from the lease. Forgotten, the plan sent the first 15 without a lease, leased 16 with
    // the 16th, and the 32 that 16 did not cover went to Redis again: a second round trip.
    const calls = redis.scriptCalls;
    const burst = Array.from({ length: 64 }, () => redis.admit(plan, none, Date.now()));
    for (const admission of burst) expect(admission).toBeInstanceOf(Promise);
    const admitted = await Promise.all(burst);
    expect(redis.scriptCalls - calls).toBe(1);
    expect(admitted.map((admission) => admission.used[0])).toEqual(Array.from({ length: 64 }, (_, i) => 201 + i));
    expect(await counter(rpm.key)).toBe(200 + 1 + 200);
    // Not used: back at the next idle tick, as any lease.
    redis.tickLeases();
    redis.tickLeases();
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(await counter(rpm.key)).toBe(264);
  });

  it('leases in the first call of a busy key’s next window, sized by the window before', async () => {
    const redis = await backend(0);
    const minute = [buckets()('requests', 1_000_000)];
    await Promise.all(Array.from({ length: 200 }, () => redis.admit(minute, none, Date.now())));
    redis.tickLeases();
    // The next minute's plan: other counters, which the planner links to this one's.
    const next = [buckets()('requests', 1_000_000)];
    precedingBuckets.set(next, minute);
    const calls = redis.scriptCalls;
    const burst = Array.from({ length: 64 }, () => redis.admit(next, none, Date.now()));
    for (const admission of burst) expect(admission).toBeInstanceOf(Promise);
    await Promise.all(burst);
    expect(redis.scriptCalls - calls).toBe(1);
    expect(await counter(next[0]?.key ?? '')).toBe(1 + 200);
  });

  it('takes no lease for a plan with fewer admissions than MIN_LEASE_RATE in a tick', async () => {
    const redis = await backend(0);
    const rpm = buckets()('requests', 1_000_000);
    const plan = [rpm];
    for (let tick = 0; tick < 3; tick++) {
      const asks = Array.from({ length: MIN_LEASE_RATE - 1 }, () => redis.admit(plan, none, Date.now()));
      for (const admission of asks) expect(admission).toBeInstanceOf(Promise);
      await Promise.all(asks);
      redis.tickLeases();
    }
    expect(await counter(rpm.key)).toBe(3 * (MIN_LEASE_RATE - 1));
  });

  it('settles a leased slot into the lease, and Redis gets it back at the tick', async () => {
    const redis = await backend(0);
    const slot = buckets()('concurrent', 100_000);
    const plan = [slot];
    await Promise.all(Array.from({ length: 20 }, () => redis.admit(plan, none, Date.now())));
    for (let i = 0; i < 20; i++) redis.settle(plan, none);
    redis.tickLeases();
    await redis.admit(plan, none, Date.now());
    const fromLease = redis.admit(plan, none, Date.now());
    expect(fromLease).toEqual({ denied: -1, used: [2] });
    redis.settle(plan, none);
    redis.settle(plan, none);
    redis.tickLeases();
    redis.tickLeases();
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(await counter(slot.key)).toBe(0);
  });

  it('never lets busy processes with leases admit more than the limit, and all of it once leases are back', async () => {
    const [a, b] = await Promise.all([backend(0), backend(0)]);
    const rpm = [buckets()('requests', 1_000)];
    let admitted = 0;
    const burst = async (redis: RedisLimitBackend, count: number) => {
      const asks = Array.from({ length: count }, () => redis.admit(rpm, none, Date.now()));
      for (const admission of await Promise.all(asks)) if (admission.denied === -1) admitted++;
    };
    await Promise.all([burst(a, 30), burst(b, 30)]);
    a.tickLeases();
    b.tickLeases();
    // Both lease now; together they are asked for twice the limit.
    for (let round = 0; round < 40; round++) await Promise.all([burst(a, 25), burst(b, 25)]);
    expect(admitted).toBeLessThanOrEqual(1_000);
    for (const redis of [a, b, a, b]) redis.tickLeases();
    await new Promise((resolve) => setTimeout(resolve, 50));
    await Promise.all([burst(a, 50), burst(b, 50)]);
    expect(admitted).toBe(1_000);
  });

  it('leases a busy plan a tick of its traffic, so it tops up about twice a tick, and two such processes stay within the limit', async () => {
    const [a, b] = await Promise.all([backend(0), backend(0)]);
    // Room for 40 ticks of both: 1/16 of it is far above a tick's 1,000 requests, so only the share caps a lease.
    const rpm = [buckets()('requests', 80_000)];
    let admitted = 0;
    /** One tick of a process admitting 1,000 requests, yielding every 50 (a top-up answers meanwhile). */
    const tick = async (redis: RedisLimitBackend) => {
      for (let i = 0; i < 1_000; i++) {
        let admission = redis.admit(rpm, none, Date.now());
        if (admission instanceof Promise) admission = await admission;
        if (admission.denied === -1) admitted++;
        if (i % 50 === 49) await new Promise((resolve) => setTimeout(resolve, 1));
      }
    };
    await Promise.all([tick(a), tick(b)]);
    a.tickLeases();
    b.tickLeases();
    const calls = a.scriptCalls + b.scriptCalls;
    for (let t = 0; t < 5; t++) {
      await Promise.all([tick(a), tick(b)]);
      a.tickLeases();
      b.tickLeases();
    }
    // A lease of 1,000 requests tops up when below 500: about two calls per tick and process (one per 128 requests,
    // 8 a tick, when a lease covered at most 256).
    expect(a.scriptCalls + b.scriptCalls - calls).toBeLessThanOrEqual(2 * 5 * 3);
    // Both keep asking for twice what is left: never more than the limit admitted, and all of it once leases are back.
    while (admitted < 80_000 - 2_000) await Promise.all([tick(a), tick(b)]);
    for (let t = 0; t < 3; t++) await Promise.all([tick(a), tick(b)]);
    expect(admitted).toBeLessThanOrEqual(80_000);
    for (const redis of [a, b, a, b]) redis.tickLeases();
    await new Promise((resolve) => setTimeout(resolve, 50));
    await Promise.all([tick(a), tick(b)]);
    expect(admitted).toBe(80_000);
    expect(await counter(rpm[0]?.key ?? '')).toBe(80_000);
  });

  it('tops a lease up to its share, so slots and tokens settled back into it never pile up in Redis', async () => {
    const redis = await backend(0);
    const bucket = buckets();
    const plan = [bucket('requests', 1_000_000), bucket('concurrent', 1_000_000), bucket('tokens', 1e9)];
    const charge = { tokens: 300, micros: 0 };
    // Each request takes a request, a slot and 300 tokens, and gives back its slot and 180 unused tokens: the
    // requests lease runs low and is refilled again and again, the other two never.
    for (let i = 0; i < 2_000; i++) {
      const admission = redis.admit(plan, charge, Date.now());
      if (admission instanceof Promise) await admission;
      redis.settle(plan, { tokens: -180, micros: 0 });
      if (i % 50 === 0) await new Promise((resolve) => setTimeout(resolve, 2));
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
    // Nothing is in flight: what Redis counts beyond the 2,000 requests is this process's leases, at most one
    // share (256 requests' worth) of each counter.
    expect(await counter(plan[1]?.key ?? '')).toBeLessThanOrEqual(MAX_LEASE_REQUESTS);
    expect(await counter(plan[2]?.key ?? '')).toBeLessThanOrEqual(2_000 * 120 + MAX_LEASE_REQUESTS * 300);
    redis.tickLeases();
    redis.tickLeases();
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(await counter(plan[0]?.key ?? '')).toBe(2_000);
    expect(await counter(plan[1]?.key ?? '')).toBe(0);
    expect(await counter(plan[2]?.key ?? '')).toBe(2_000 * 120);
  });

  it('renews a busy lease without emptying it first, and shrinks it when other processes filled the counter', async () => {
    const redis = await backend(0);
    const slots = buckets()('concurrent', 1_000);
    const plan = [slots];
    const busyTick = () => {
      for (let i = 0; i < MIN_LEASE_RATE; i++) {
        expect(redis.admit(plan, none, Date.now())).not.toBeInstanceOf(Promise);
        redis.settle(plan, none);
      }
      redis.tickLeases();
    };
    await Promise.all(Array.from({ length: MIN_LEASE_RATE }, () => redis.admit(plan, none, Date.now())));
    for (let i = 0; i < MIN_LEASE_RATE; i++) redis.settle(plan, none);
    // The lease holds its 16 slots and the 16 settled back into it: 32 counted in Redis, none in use.
    expect(await counter(slots.key)).toBe(32);
    const { Redis } = await import('ioredis');
    const other = new Redis(REDIS_URL ?? '');
    await other.incrby(slots.key, 950);
    other.disconnect();
    for (let tick = 1; tick < 8; tick++) busyTick();
    expect(await counter(slots.key)).toBe(982);
    busyTick(); // the eighth tick renews: the call is out, and requests are still admitted from the lease
    expect(redis.admit(plan, none, Date.now())).not.toBeInstanceOf(Promise);
    redis.settle(plan, none);
    await new Promise((resolve) => setTimeout(resolve, 50));
    // 1/16 of the 50 slots free apart from this lease: it keeps 3 and gives 29 back.
    expect(await counter(slots.key)).toBe(950 + 3);
  });

  /**
   * A plan leasing 16 requests' worth, its lease used down to 7 (below half: a top-up is queued) and then
   * emptied; `waiting` more admissions then find it empty while the top-up is out.
   */
  const drainedWhileToppingUp = async (redis: RedisLimitBackend, plan: Bucket[], waiting: number) => {
    await Promise.all(Array.from({ length: MIN_LEASE_RATE }, () => redis.admit(plan, none, Date.now())));
    redis.tickLeases();
    for (let i = 0; i < MIN_LEASE_RATE; i++) expect(redis.admit(plan, none, Date.now())).not.toBeInstanceOf(Promise);
    return Array.from({ length: waiting }, () => redis.admit(plan, none, Date.now()));
  };

  it('makes a request its lease does not cover wait for the top-up already out, not send one of its own', async () => {
    const redis = await backend(0);
    const rpm = buckets()('requests', 1_000_000);
    const plan = [rpm];
    const calls = redis.scriptCalls;
    const waiting = await drainedWhileToppingUp(redis, plan, 3);
    for (const admission of waiting) expect(admission).toBeInstanceOf(Promise);
    expect((await Promise.all(waiting)).map((admission) => admission.used[0])).toEqual([33, 34, 35]);
    // The first 16 (one call) and the top-up (one call), which the three took from: no call of their own, and
    // nothing given back and leased again. Redis counts the 35 admitted and the 13 the lease still holds.
    expect(redis.scriptCalls - calls).toBe(2);
    expect(await counter(rpm.key)).toBe(35 + 13);
    redis.tickLeases();
    redis.tickLeases();
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(await counter(rpm.key)).toBe(35);
  });

  it('sends the waiting requests a top-up does not cover to Redis in one call, which decides each', async () => {
    const redis = await backend(0);
    const rpm = buckets()('requests', 1_000);
    const plan = [rpm];
    await Promise.all(Array.from({ length: MIN_LEASE_RATE }, () => redis.admit(plan, none, Date.now())));
    redis.tickLeases();
    // Other processes take all but 5 of what is left: the top-up gets nothing (1/16 of 5 rounds down to 0).
    const { Redis } = await import('ioredis');
    const other = new Redis(REDIS_URL ?? '');
    await other.incrby(rpm.key, 1_000 - 32 - 5);
    other.disconnect();
    for (let i = 0; i < MIN_LEASE_RATE; i++) expect(redis.admit(plan, none, Date.now())).not.toBeInstanceOf(Promise);
    const calls = redis.scriptCalls;
    const admissions = await Promise.all(Array.from({ length: 12 }, () => redis.admit(plan, none, Date.now())));
    expect(admissions.map((admission) => admission.denied)).toEqual([-1, -1, -1, -1, -1, 0, 0, 0, 0, 0, 0, 0]);
    // The top-up, then one call for all twelve.
    expect(redis.scriptCalls - calls).toBe(2);
    expect(await counter(rpm.key)).toBe(1_000);
  });

  it('rejects the requests waiting for a top-up when its call fails, so the service counts them in-process', async () => {
    const proxy = await TcpProxy.start(REDIS_URL ?? '');
    try {
      const redis = await backend(0);
      const viaProxy = await connected(proxy.url, 0);
      open.push(viaProxy);
      expect(viaProxy.ready).toBe(true);
      const plan = [buckets()('requests', 1_000_000)];
      const waiting = await drainedWhileToppingUp(viaProxy, plan, 3);
      await proxy.cut();
      for (const admission of waiting) await expect(admission).rejects.toThrow();
      expect(viaProxy.ready).toBe(false);
      // Nothing of theirs reached Redis: the counter holds the 16 admitted and the 16 leased before the cut.
      expect(await counter(plan[0]?.key ?? '')).toBe(32);
      expect(redis.ready).toBe(true);
    } finally {
      await proxy.cut();
    }
  });

  it('keeps one TPM and one concurrency limit between two processes settling into their leases', async () => {
    const [a, b] = await Promise.all([backend(0), backend(0)]);
    const bucket = buckets();
    const plan = [bucket('tokens', 60_000), bucket('concurrent', 40)];
    // Each request reserves 300 tokens and uses 120: settlement gives a slot and 180 tokens back (into the lease).
    const charge = { tokens: 300, micros: 0 };
    let admitted = 0;
    let mostInFlight = 0;
    const burst = async (redis: RedisLimitBackend, count: number) => {
      const asks = Array.from({ length: count }, () => redis.admit(plan, charge, Date.now()));
      const mine = (await Promise.all(asks)).filter((admission) => admission.denied === -1).length;
      admitted += mine;
      return mine;
    };
    for (let round = 0; round < 30; round++) {
      const [fromA, fromB] = await Promise.all([burst(a, 30), burst(b, 30)]);
      mostInFlight = Math.max(mostInFlight, (fromA ?? 0) + (fromB ?? 0));
      for (let i = 0; i < (fromA ?? 0); i++) a.settle(plan, { tokens: -180, micros: 0 });
      for (let i = 0; i < (fromB ?? 0); i++) b.settle(plan, { tokens: -180, micros: 0 });
      if (round % 3 === 2) for (const redis of [a, b]) redis.tickLeases();
    }
    // Both limits were reached between the two, and neither was passed.
    expect(mostInFlight).toBe(40);
    expect(admitted * 120).toBeLessThanOrEqual(60_000);
    expect(admitted * 120).toBeGreaterThan(59_000);
    for (const redis of [a, b, a, b]) redis.tickLeases();
    await new Promise((resolve) => setTimeout(resolve, 50));
    // Every settlement arrived, whether it went into a lease or to Redis: what is counted is what was used.
    expect(await counter(plan[0]?.key ?? '')).toBe(admitted * 120);
    expect(await counter(plan[1]?.key ?? '')).toBe(0);
  });

  it('keeps the settlements made while Redis is unreachable and sends them once it is back', async () => {
    await throughProxy(async (redis, proxy) => {
      const bucket = buckets();
      const plan = [bucket('concurrent', 100), bucket('tokens', 1e6)];
      // Five requests admitted by Redis (too few to lease), still running when it goes away.
      await Promise.all(Array.from({ length: 5 }, () => redis.admit(plan, { tokens: 300, micros: 0 }, Date.now())));
      await proxy.cut();
      const deadline = Date.now() + 5_000;
      while (redis.ready && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
      expect(redis.ready).toBe(false);
      for (let i = 0; i < 5; i++) redis.settle(plan, { tokens: -180, micros: 0 });
      await new Promise((resolve) => setTimeout(resolve, 50));
      expect(await counter(plan[0]?.key ?? '')).toBe(5);
      await proxy.restore();
      while (!redis.ready && Date.now() < deadline + 10_000) await new Promise((resolve) => setTimeout(resolve, 20));
      await new Promise((resolve) => setTimeout(resolve, 100));
      // Every slot is back and each request counts what it used, not its reservation.
      expect(await counter(plan[0]?.key ?? '')).toBe(0);
      expect(await counter(plan[1]?.key ?? '')).toBe(5 * 120);
    });
  });

  it('leases a budget only a sixteenth of what is left, so no lease passes it', async () => {
    const redis = await backend(0);
    const budget = buckets()('budget', 10_000);
    const plan = [budget];
    const charge = { tokens: 0, micros: 100 };
    await Promise.all(Array.from({ length: MIN_LEASE_RATE - 1 }, () => redis.admit(plan, charge, Date.now())));
    expect(await counter(budget.key)).toBe(1_500);
    await redis.admit(plan, charge, Date.now());
    // 1,600 charged; the lease is 1/16 of the 8,400 left, not the 16 requests' worth (1,600) asked.
    expect(await counter(budget.key)).toBe(1_600 + Math.floor(8_400 / 16));
  });

  it('keeps the newer lease of a plan when an answer for the plan it forgot meanwhile arrives late', async () => {
    await throughProxy(async (redis, proxy) => {
      const rpm = buckets()('requests', 1_000_000);
      const plan = [rpm];
      // A quiet plan's admission goes out and Redis is slow to answer it (a reply slower than a tick) ...
      proxy.stall();
      const late = redis.admit(plan, none, Date.now());
      await new Promise((resolve) => setImmediate(resolve));
      redis.tickLeases(); // busy: kept
      redis.tickLeases(); // idle and quiet: forgotten while its call is out
      // ... and meanwhile the plan turns busy: a new lease, which leases with its 16th admission.
      const busy = Array.from({ length: MIN_LEASE_RATE + 4 }, () => redis.admit(plan, none, Date.now()));
      proxy.resume();
      await late;
      await Promise.all(busy);
      expect(await counter(rpm.key)).toBeGreaterThan(1 + MIN_LEASE_RATE + 4);
      // Idle now: what the newer lease holds goes back, as it would had the late answer not put the old one back.
      redis.tickLeases();
      redis.tickLeases();
      await new Promise((resolve) => setTimeout(resolve, 50));
      expect(await counter(rpm.key)).toBe(1 + MIN_LEASE_RATE + 4);
    });
  });
});
