// node bench/limits-work.mjs <memory|redis> <requests>: everything the limits add to one request of the gateway,
// without HTTP: the reservation's estimate (tokens and cost), admission, the rate-limit headers of the response and
// settlement, for the bench's client (bench/scenarios.mjs LIMITED: RPM, TPM, concurrency, a per-model RPM, day and
// month budgets, the model pattern check), 20,000 times to warm up, then `requests` more. Counted under callgrind
// at 0 and at 100,000 requests, the difference is instructions per request, e.g.
// `valgrind --tool=callgrind node bench/limits-work.mjs memory 100000`, less the same for `none` (the loop
// alone). Redis: 64 requests in flight, each held for an event-loop turn, so busy plans lease as in the gateway
// (REDIS_URL); less `turns` (the same loop without limits). Needs `npm run build` first.
import { ServerResponse } from 'node:http';
import { admitToLimits, settleLimits } from '../dist/api/shared/limit-gate.js';
import { ProviderPrices } from '../dist/cost/price-lookup.js';
import { writeAdmittedHeaders } from '../dist/routing/limits/admitted-headers.js';
import { compileAccess } from '../dist/routing/limits/client-access.js';
import { LimitBackends } from '../dist/routing/limits/limit-backends.js';
import { LimitService } from '../dist/routing/limits/limit-service.js';
import { RedisLimitBackend } from '../dist/routing/limits/redis-limit-backend.js';
import { body } from './scenarios.mjs';

const [backend = 'memory', count = '100000'] = process.argv.slice(2);
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

const total = 20_000 + Number(count);
if (backend === 'memory') {
  // Synchronous, as in the gateway once a budget's spend is loaded: no promise per request.
  await admit(newExchange());
  for (let i = 1; i < total; i++) {
    const exchange = newExchange();
    if (admit(exchange) !== undefined) throw new Error('limited');
    respond(exchange);
    finish(exchange);
  }
} else if (backend === 'redis' || backend === 'turns') {
  const limited = backend === 'redis';
  let left = total;
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
} else {
  // `none`: the loop alone, to subtract from `memory` (`turns`, the Redis loop without limits, from `redis`).
  for (let i = 0; i < total; i++) respond(newExchange());
}
await backends.close();
