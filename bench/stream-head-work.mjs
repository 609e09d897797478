// node bench/stream-head-work.mjs <spread|literal> <heads> [--unlimited] (after npm run build): the response head of
// a streamed request as ClientOutput.head builds it (SSE headers, the gateway's x-gateway-* headers, a limited
// key's six rate-limit headers unless --unlimited) and Node formats it in writeHead, 10,000 times to warm up, then
// `heads` more. `spread` starts from a spread copy of a shared constant (what the gateway did), `literal` from an
// object literal (sseHeaders(), what it does now). Count it under callgrind at 0 and 20,000 heads and subtract, e.g.
// `valgrind --tool=callgrind node bench/stream-head-work.mjs spread 20000`: V8 missed the store inline caches of
// every header added to the spread copy, a runtime call each.
import { ServerResponse } from 'node:http';
import { writeAdmittedHeaders } from '../dist/routing/limits/admitted-headers.js';
import { compileAccess } from '../dist/routing/limits/client-access.js';
import { LimitBackends } from '../dist/routing/limits/limit-backends.js';
import { LimitService } from '../dist/routing/limits/limit-service.js';

const [mode = 'literal', count = '20000'] = process.argv.slice(2).filter((a) => !a.startsWith('--'));
const limited = !process.argv.includes('--unlimited');
const policy = {
  rpm: 1e9,
  tpm: 1e9,
  max_concurrent: 100_000,
  model_limits: { bench: { rpm: 1e9 } },
  budgets: { day: 1e9, month: 1e9 },
};
const access = compileAccess('head-work', 'bench', policy);
const service = new LimitService({ backends: new LimitBackends(), spentSince: async () => 0 });
await service.admit(access, { model: 'bench', tokens: 300, costUsd: 0.001 }, 'openai');
const ticket = service.admit(access, { model: 'bench', tokens: 300, costUsd: 0.001 }, 'openai');

const SSE_HEADERS = {
  'content-type': 'text/event-stream; charset=utf-8',
  'cache-control': 'no-cache',
  'x-accel-buffering': 'no',
};
const literal = () => ({
  'content-type': 'text/event-stream; charset=utf-8',
  'cache-control': 'no-cache',
  'x-accel-buffering': 'no',
});
const incoming = { httpVersionMajor: 1, httpVersionMinor: 1, method: 'POST', headers: {} };

function head() {
  const headers = mode === 'spread' ? { ...SSE_HEADERS } : literal();
  headers['x-request-id'] = 'req_0123456789abcdef';
  headers['x-gateway-provider'] = 'up';
  headers['x-gateway-model'] = 'm1';
  headers['x-gateway-route'] = 'direct';
  headers['x-gateway-attempts'] = '1';
  if (limited) writeAdmittedHeaders(headers, ticket, 'openai');
  new ServerResponse(incoming).writeHead(200, headers);
}

for (let i = 0; i < 10_000 + Number(count); i++) head();
