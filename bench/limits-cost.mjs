// node bench/limits-cost.mjs (after npm run build): what admitting and settling one request costs the limits
// code itself, in CPU microseconds, without HTTP around it: a figure a busy machine does not blur the way it
// blurs throughput ratios. The client has every kind of limit (RPM, TPM, concurrency, a per-model RPM and day and
// month budgets). In-process: sequential admit + settle pairs. Redis: 64 requests in flight at a time (as in
// the throughput phase), each held for two event-loop turns between admission and settlement (as a request
// waits for its upstream), so requests spread over turns as they do in the gateway; the CPU of this process per
// request, minus that of the same loop without limits, and the script calls per 1,000 requests.
// Then one phase as the bench's limits phase sees it: after a second with no requests (the gateway idles while
// the other variants are measured), 4 s at the gateway's rate (64 in flight, each held ~13 ms: ~5,000 req/s),
// counting the admissions that waited for a Redis round trip (not admitted from a lease) and the script calls.
import { compileAccess } from '../dist/routing/limits/client-access.js';
import { LimitBackends } from '../dist/routing/limits/limit-backends.js';
import { LimitService } from '../dist/routing/limits/limit-service.js';
import { RedisLimitBackend } from '../dist/routing/limits/redis-limit-backend.js';

const policy = {
  rpm: 1e9,
  tpm: 1e9,
  max_concurrent: 100_000,
  model_limits: { bench: { rpm: 1e9 } },
  budgets: { day: 1e9, month: 1e9 },
};
const access = compileAccess(`bench-${process.pid}-${Date.now()}`, 'bench', policy);
const ask = { model: 'bench', tokens: 300, costUsd: 0.001 };
const use = { tokens: 120, costUsd: 0.0004 };

function cpuUs() {
  const usage = process.cpuUsage();
  return usage.user + usage.system;
}

async function inProcess(pairs) {
  const service = new LimitService({ backends: new LimitBackends(), spentSince: async () => 0 });
  await service.admit(access, ask, 'openai'); // loads the budgets' spend once
  const before = cpuUs();
  for (let i = 0; i < pairs; i++) service.settle(service.admit(access, ask, 'openai'), use);
  return (cpuUs() - before) / pairs;
}

const turn = () => new Promise(setImmediate);
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

async function redis(pairs, url) {
  const backends = new LimitBackends();
  const shared = new RedisLimitBackend(url);
  await backends.useShared(shared);
  const start = Date.now();
  while (!shared.ready && Date.now() - start < 5_000) await new Promise((r) => setTimeout(r, 20));
  if (!shared.ready) throw new Error(`redis at ${url} is not reachable`);
  const service = new LimitService({ backends, spentSince: async () => 0 });
  let waited = 0;
  const admit = () => {
    const outcome = service.admit(access, ask, 'openai');
    if (outcome instanceof Promise) waited++;
    return outcome;
  };
  const limited = async () => {
    const ticket = await admit();
    await turn();
    await turn();
    service.settle(ticket, use);
  };
  const unlimited = async () => {
    await turn();
    await turn();
  };
  const measure = async (one, count) => {
    const before = cpuUs();
    const calls = shared.scriptCalls;
    waited = 0;
    const wall = performance.now();
    let next = 0;
    await Promise.all(
      Array.from({ length: 64 }, async () => {
        while (next++ < count) await one();
      }),
    );
    return {
      cpuUs: (cpuUs() - before) / count,
      callsPer1000: ((shared.scriptCalls - calls) * 1000) / count,
      waitedPer1000: (waited * 1000) / count,
      perSecond: count / ((performance.now() - wall) / 1000),
    };
  };
  await measure(limited, pairs / 4); // warm, and busy enough to lease
  const off = await measure(unlimited, pairs);
  const on = await measure(limited, pairs);
  await sleep(1_000);
  const atGatewayRate = async () => {
    const ticket = await admit();
    await sleep(13);
    service.settle(ticket, use);
  };
  const phase = await measure(atGatewayRate, 20_000);
  await backends.close();
  return { cpuUs: on.cpuUs - off.cpuUs, callsPer1000: on.callsPer1000, pairsPerSecond: on.perSecond, phase };
}

const memoryUs = await inProcess(200_000);
console.log(`in-process: ${memoryUs.toFixed(2)} µs CPU per admit + settle`);
const url = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
try {
  const r = await redis(40_000, url);
  console.log(
    `redis (${url}): ${r.cpuUs.toFixed(1)} µs CPU of the gateway per admit + settle, ${r.callsPer1000.toFixed(1)} script calls per 1,000 requests, ${r.pairsPerSecond.toFixed(0)} pairs/s at 64 in flight`,
  );
  const { phase } = r;
  console.log(
    `redis, a phase after 1 s idle at ${phase.perSecond.toFixed(0)} req/s: ${phase.waitedPer1000.toFixed(1)} admissions per 1,000 waited for Redis, ${phase.callsPer1000.toFixed(1)} script calls per 1,000 requests`,
  );
} catch (error) {
  console.log(`redis: not measured (${error.message})`);
}
process.exit(0);
