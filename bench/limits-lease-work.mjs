// node bench/limits-lease-work.mjs <memory|redis|turns> <requests> [--rate=4000] [--hold=2 | --hold-ms=13]: what a limited request
// costs the gateway process with its counters in Redis, at the gateway's real rate however slowly this process runs.
// The Redis backend sizes its leases by wall-clock ticks (250 ms), so a process slowed down fifty times (callgrind,
// a loaded machine) sees fifty times fewer requests per tick, leases less and calls Redis far more often per
// request than a gateway at full speed: its count is call frequency, not what a request pays (see
// docs/benchmark.md). Here the tick is driven by the request count instead: the backend's timer is off and
// `tickLeases()` runs every `rate / 4` admissions, what 250 ms holds at `rate` requests per second, so the lease
// path runs as it does at that rate, under callgrind too. 64 requests in flight, each held `hold` event-loop turns
// between admission and settlement (its upstream call), or `hold-ms` milliseconds, which paces the loop at the
// gateway's rate so that as many admissions fall within one Redis round trip as in the gateway (what decides how
// many find their lease empty; not for callgrind, which slows the loop and not Redis); the bench's client (RPM, TPM, concurrency, a per-model RPM,
// day and month budgets), admit + settle through the LimitService, no HTTP.
//
// Prints the script calls, the operations and corrections they carried, the admissions that waited for Redis and
// the bytes of arguments, per 1,000 requests, and Redis's own CPU for the calls (`INFO commandstats`; use a Redis
// no one else calls, REDIS_URL). Under callgrind, the difference between <requests> and 0 (after the same 20,000
// to warm up) is instructions per request; `turns` is the same loop without limits, `memory` the in-process
// backend in the same loop:
//   valgrind --tool=callgrind node bench/limits-lease-work.mjs redis 20000   (and 0; then memory, turns)
// Needs `npm run build` first.
// AMG_DIST=<dir>: another build's output (a copy of dist/ inside the checkout), to count before and after a change.
const dist = new URL(`../${process.env.AMG_DIST ?? 'dist'}/routing/limits/`, import.meta.url);
const { compileAccess } = await import(new URL('client-access.js', dist).href);
const { LimitBackends } = await import(new URL('limit-backends.js', dist).href);
const { LimitService } = await import(new URL('limit-service.js', dist).href);
const { RedisLimitBackend } = await import(new URL('redis-limit-backend.js', dist).href);

const [mode = 'redis', count = '20000'] = process.argv.slice(2).filter((a) => !a.startsWith('--'));
const arg = (name, fallback) =>
  Number(process.argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3) ?? fallback);
const RATE = arg('rate', 4000);
const HOLD = arg('hold', 2);
/** `--hold-ms=13`: each request held that long instead (64 in flight: ~4,900 req/s, the gateway's rate). */
const HOLD_MS = arg('hold-ms', 0);
const WARM_UP = 20_000;
const TICK_EVERY = Math.max(1, Math.round(RATE / 4));
const url = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

const policy = {
  rpm: 1e9,
  tpm: 1e9,
  max_concurrent: 100_000,
  model_limits: { bench: { rpm: 1e9 } },
  budgets: { day: 1e9, month: 1e9 },
};
const access = compileAccess(`lease-${process.pid}-${Date.now()}`, 'bench', policy);
// The bench's request: ~1,100 tokens reserved (body / 4 + the default output reservation), 44 used.
const ask = { model: 'bench', tokens: 1_100, costUsd: 0.0105 };
const use = { tokens: 44, costUsd: 0.00026 };

const backends = new LimitBackends();
let shared;
const seen = { calls: 0, argBytes: 0, operations: 0, corrections: 0, waited: 0, callsWaited: 0, admitted: 0 };
if (mode === 'redis') {
  shared = new RedisLimitBackend(url, { leaseTickMs: 0 });
  await backends.useShared(shared);
  const start = Date.now();
  while (!shared.ready && Date.now() - start < 60_000) await new Promise((r) => setTimeout(r, 20));
  if (!shared.ready) throw new Error(`redis at ${url} is not reachable`);
  // Counts what each script call carries: the last two arguments are the corrections and the operations.
  const redis = shared.redis;
  const call = redis.amgBatch.bind(redis);
  redis.amgBatch = (keyCount, args) => {
    seen.calls++;
    for (const value of args) seen.argBytes += String(value).length;
    seen.corrections += args.at(-2).split(' ').length >> 2;
    seen.operations += (args.at(-1).split(' ').length - 1) / 6;
    return call(keyCount, args);
  };
}
const service = new LimitService({ backends, spentSince: async () => 0 });

const turn = () => new Promise(setImmediate);
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
async function hold() {
  if (HOLD_MS > 0) await sleep(HOLD_MS);
  else for (let i = 0; i < HOLD; i++) await turn();
}
let admissions = 0;

async function request(limited) {
  if (!limited) return hold();
  if (++admissions % TICK_EVERY === 0) shared?.tickLeases();
  let ticket = service.admit(access, ask, 'openai');
  if (ticket instanceof Promise) {
    seen.waited++;
    // The calls sent while it waited: 1 when the call it went in (or the top-up it waited for) was already out.
    // In-process (`memory`) only the first admission waits, for its budgets' spend; there is no script call.
    const sent = shared?.scriptCalls ?? 0;
    ticket = await ticket;
    seen.callsWaited += Math.max(1, (shared?.scriptCalls ?? 0) - sent);
  }
  seen.admitted++;
  await hold();
  service.settle(ticket, use);
}

async function run(requests) {
  let left = requests;
  const limited = mode !== 'turns';
  await Promise.all(
    Array.from({ length: 64 }, async () => {
      while (left-- > 0) await request(limited);
    }),
  );
}

function evalStats() {
  if (!shared) return { calls: 0, usec: 0 };
  return shared.redis.info('commandstats').then((text) => {
    const match = /cmdstat_evalsha:calls=(\d+),usec=(\d+)/.exec(text);
    return { calls: Number(match?.[1] ?? 0), usec: Number(match?.[2] ?? 0) };
  });
}

await run(WARM_UP);
const before = { ...seen };
const redisBefore = await evalStats();
await run(Number(count));
const redisAfter = await evalStats();
const n = Number(count);
if (n > 0 && mode === 'redis') {
  const per1000 = (key) => (((seen[key] - before[key]) * 1000) / n).toFixed(1);
  const calls = seen.calls - before.calls;
  const serverUsec = redisAfter.usec - redisBefore.usec;
  console.log(
    `redis at ${RATE} req/s (tick every ${TICK_EVERY} admissions), ${HOLD_MS ? `${HOLD_MS} ms` : `${HOLD} turns`} held: per 1,000 requests ${per1000('calls')} script calls carrying ${per1000('operations')} operations and ${per1000('corrections')} corrections, ${per1000('waited')} admissions waited; ${calls ? Math.round((seen.argBytes - before.argBytes) / calls) : 0} argument bytes per call; Redis CPU ${((serverUsec * 1000) / n).toFixed(0)} µs per 1,000 requests (${calls ? (serverUsec / calls).toFixed(1) : 0} µs per call)`,
  );
}
if (mode === 'redis' && n > 0) {
  // A busy key after a pause (each measured phase of the paired rounds starts so, and so does each new minute's
  // plan): two idle ticks give its leases back and forget its rate, then 64 requests arrive at once.
  shared.tickLeases();
  shared.tickLeases();
  const mark = { ...seen };
  await run(2_000);
  console.log(
    `redis, the first 2,000 requests after a pause (64 arriving at once): ${seen.waited - mark.waited} admissions waited for Redis through ${seen.callsWaited - mark.callsWaited} calls in all, ${seen.calls - mark.calls} script calls`,
  );
}
await backends.close();
process.exit(0);
