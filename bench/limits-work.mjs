// node bench/limits-work.mjs <memory|redis> <requests>: everything the limits add to one request of the gateway,
// without HTTP: the reservation's estimate (tokens and cost), admission, the rate-limit headers of the response and
// settlement, for the bench's client (bench/scenarios.mjs LIMITED: RPM, TPM, concurrency, a per-model RPM, day and
// month budgets, the model pattern check), 20,000 times to warm up, then `requests` more. Counted under callgrind
// at 0 and at 100,000 requests, the difference is instructions per request, e.g.
// `valgrind --tool=callgrind node bench/limits-work.mjs memory 100000`, less the same for `none` (the loop
// alone). Redis: 64 requests in flight, each held for an event-loop turn, so busy plans lease as in the gateway
// (REDIS_URL); less `turns` (the same loop without limits). Needs `npm run build` first.
//
// `--alloc` also prints the bytes one request allocates (the same modes, and the same subtraction): the heap's
// growth over 2,000 more requests with no collection between, so run it with a young generation that holds them,
// `node --expose-gc --min-semi-space-size=64 --max-semi-space-size=64 bench/limits-work.mjs memory 20000 --alloc`.
import { ServerResponse } from 'node:http';
import { getHeapSpaceStatistics } from 'node:v8';
import { admitToLimits, settleLimits } from '../dist/api/shared/limit-gate.js';
import { ProviderPrices } from '../dist/cost/price-lookup.js';
import { writeAdmittedHeaders } from '../dist/routing/limits/admitted-headers.js';
import { compileAccess } from '../dist/routing/limits/client-access.js';
import { LimitBackends } from '../dist/routing/limits/limit-backends.js';
import { LimitService } from '../dist/routing/limits/limit-service.js';
import { RedisLimitBackend } from '../dist/routing/limits/redis-limit-backend.js';
import { body } from './scenarios.mjs';

const [backend = 'memory', count = '100000'] = process.argv.slice(2).filter((a) => !a.startsWith('--'));
const ALLOC = process.argv.includes('--alloc');
const policy = {
  models: ['bench*'],
  rpm: 1e9,
  tpm: 1e9,
  max_concurrent: 100_000,
  model_limits: { bench: { rpm: 1e9 } },
  budgets: { day: 1e9, month: 1e9 },
};
const access = compileAccess(`work-${process.pid}-${Date.now()}`, 'bench', policy);
const prices = new ProviderPrices({ name: 'up', type: 'openai', pricing: { m1: { input: 2.5, output: 10 } } });
const route = { name: 'bench', targets: [{ id: 'up/m1', model: 'm1', weight: 1, provider: { prices } }] };
const raw = body('bench', false);
const requestBody = JSON.parse(raw);
const record = { status: 200, provider: 'up', inputTokens: 12, outputTokens: 6, costUsd: 0.00009 };

const backends = new LimitBackends();
if (backend === 'redis') {
  const shared = new RedisLimitBackend(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379');
  await backends.useShared(shared);
  const start = Date.now();
  while (!shared.ready && Date.now() - start < 60_000) await new Promise((r) => setTimeout(r, 20));
  if (!shared.ready) throw new Error('redis is not reachable');
}
const services = { limits: new LimitService({ backends, spentSince: async () => 0 }) };

const newExchange = () => ({ access, services, limitTicket: undefined, dialect: 'openai', requestedModel: 'bench' });

/** One request's limits work up to its response head, as data-plane.ts, resolve-route.ts and proxy.ts do it. */
function admit(exchange) {
  if (access.mayUse && !access.mayUse('bench')) throw new Error('refused');
  if (access.limited) {
    exchange.requestBody = requestBody;
    exchange.requestBytes = raw.length;
  }
  return admitToLimits(exchange, route);
}

const incoming = { httpVersionMajor: 1, httpVersionMinor: 1, method: 'POST', headers: {} };

/**
 * The response head as client-output.ts writes it (Node formats it; no socket), with the rate-limit headers of an
 * admitted request: the six headers are part of what limits cost, and `none` writes the same head without them.
 */
function respond(exchange) {
  const headers = {
    'content-type': 'application/json',
    'content-length': '245',
    'x-request-id': 'req_0123456789abcdef',
    'x-gateway-provider': 'up',
    'x-gateway-model': 'm1',
    'x-gateway-route': 'direct',
    'x-gateway-attempts': '1',
  };
  if (exchange.limitTicket) writeAdmittedHeaders(headers, exchange.limitTicket, exchange.dialect);
  new ServerResponse(incoming).writeHead(200, headers);
}

/** Settlement once the response closed (data-plane.ts). */
function finish(exchange) {
  settleLimits(services.limits, exchange.limitTicket, record);
}

/** One request, synchronously: the in-process backend once a budget's spend is loaded (no promise per request). */
function inProcessRequest() {
  const exchange = newExchange();
  if (admit(exchange) !== undefined) throw new Error('limited');
  respond(exchange);
  finish(exchange);
}

/** `requests` requests, 64 in flight, each waiting a turn for its upstream (with limits in Redis when `limited`). */
async function inFlight(requests, limited) {
  let left = requests;
  await Promise.all(
    Array.from({ length: 64 }, async () => {
      while (left-- > 0) {
        const exchange = newExchange();
        const admission = limited ? admit(exchange) : undefined;
        if (admission !== undefined && (await admission)) throw new Error('limited');
        // The upstream's answer comes in a later turn.
        await new Promise(setImmediate);
        respond(exchange);
        if (limited) finish(exchange);
      }
    }),
  );
}

/** Runs `requests` requests of this mode. */
async function run(requests) {
  if (backend === 'memory') for (let i = 0; i < requests; i++) inProcessRequest();
  else if (backend === 'redis' || backend === 'turns') await inFlight(requests, backend === 'redis');
  // `none`: the loop alone, to subtract from `memory` (`turns`, the Redis loop without limits, from `redis`).
  else for (let i = 0; i < requests; i++) respond(newExchange());
}

/** Bytes allocated per request over 2,000 requests, five times; null where a collection ran in between. */
async function allocatedPerRequest() {
  if (typeof globalThis.gc !== 'function') throw new Error('--alloc needs node --expose-gc');
  const youngUsed = () => getHeapSpaceStatistics().find((s) => s.space_name === 'new_space')?.space_used_size ?? 0;
  const figures = [];
  for (let round = 0; round < 5; round++) {
    globalThis.gc();
    const young = youngUsed();
    const before = process.memoryUsage().heapUsed;
    await run(2_000);
    const grown = process.memoryUsage().heapUsed - before;
    figures.push(youngUsed() < young ? null : Math.round(grown / 2_000));
  }
  return figures;
}

if (backend === 'memory') await admit(newExchange());
await run(20_000 + Number(count) - (backend === 'memory' ? 1 : 0));
if (ALLOC) console.log(`${backend}: bytes allocated per request ${(await allocatedPerRequest()).join(' ')}`);
await backends.close();
