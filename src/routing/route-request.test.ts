import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { errors } from '../errors/codes.js';
import type { ProviderRuntime } from '../providers/provider-runtime.js';
import { redirectLog } from '../server/log.js';
import type { ErrorClass } from '../telemetry/request-record.js';
import { type RouteContext, routeRequest } from './route-request.js';
import type { ModelRoute, RouteTarget } from './route-table.js';
import { MemoryRoutingState } from './routing-state.js';
import type { UpstreamReply } from './upstream-reply.js';

function target(name: string, configured = true): RouteTarget {
  const apiKeyEnv = configured ? undefined : `${name.toUpperCase()}_KEY`;
  const provider: Pick<ProviderRuntime, 'name' | 'configured' | 'apiKeyEnv' | 'secrets'> = {
    name,
    configured,
    apiKeyEnv,
    secrets: [],
  };
  return { id: `${name}/m`, provider: provider as ProviderRuntime, model: 'm', weight: 1, dialect: 'openai-chat' };
}

function route(targets: RouteTarget[], fallbackOn: ErrorClass[] = ['rate_limit', 'server_error', 'timeout']) {
  return { name: 'chat', strategy: 'fallback', targets, fallbackOn: new Set(fallbackOn) } satisfies ModelRoute;
}

function reply(status: number, message = 'ok', headers: Record<string, string> = {}): UpstreamReply {
  return { status, headers, body: Readable.from([Buffer.from(JSON.stringify({ error: { message } }))]) };
}

/** A routing context on a manual clock: sleeping advances it, nothing waits. */
function harness() {
  const clock = { now: 1_000_000 };
  const context: RouteContext = {
    state: new MemoryRoutingState(),
    retry: { maxAttempts: 3, backoffMs: 10, maxBackoffMs: 40, respectRetryAfter: true },
    breaker: { failures: 3, windowMs: 30_000, cooldownMs: 30_000 },
    budgetMs: 20_000,
    now: () => clock.now,
    random: () => 0.5,
    sleep: async (ms) => {
      clock.now += ms;
    },
    isCancelled: () => false,
  };
  return { clock, context };
}

/** A sender that answers each target from its script (the last entry repeats) and counts calls. */
function sender(script: Record<string, Array<() => UpstreamReply>>) {
  const calls: string[] = [];
  const send = async (t: RouteTarget) => {
    calls.push(t.provider.name);
    const steps = script[t.provider.name] ?? [];
    const step = steps.length > 1 ? steps.shift() : steps[0];
    if (!step) throw Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' });
    return step();
  };
  return { calls, send };
}

describe('routeRequest when targets are unavailable', () => {
  it('still makes an attempt when the only target is half-open with another trial in flight', async () => {
    const { clock, context } = harness();
    const a = target('a');
    const breaker = context.state.target(a.id).breaker;
    for (let i = 0; i < 3; i++) breaker.onFailure(clock.now, context.breaker, '500 server_error');
    clock.now += 31_000;
    expect(breaker.tryAcquire(clock.now)).toBe(true); // another request holds the trial
    const { calls, send } = sender({ a: [() => reply(200)] });
    const outcome = await routeRequest(route([a]), send, context);
    expect(calls).toEqual(['a']);
    expect(outcome.ok).toBe(true);
  });

  it('names the targets it skipped because they are cooling, and for how long', async () => {
    const { clock, context } = harness();
    const [a, b] = [target('a'), target('b')];
    context.state.target(a.id).breaker.onFailure(clock.now, context.breaker, '429 rate_limit: slow down', 12_000);
    const { calls, send } = sender({ b: [() => reply(500, 'boom')] });
    const outcome = await routeRequest(route([a, b]), send, context);
    expect(calls).toEqual(['b', 'b', 'b']);
    expect(!outcome.ok && outcome.error.message).toBe(
      'all 2 targets failed: a (not tried, cooling 12s: 429 rate_limit: slow down), b 500 ×3 (server_error, cooling 30s: boom)',
    );
  });

  it('retries its only target after a retry-after wait even when the timer wakes a few ms early', async () => {
    const { clock, context } = harness();
    context.sleep = async (ms) => {
      clock.now += ms > 100 ? ms - 4 : ms;
    };
    const { calls, send } = sender({ a: [() => reply(429, 'slow down', { 'retry-after': '1' }), () => reply(200)] });
    const outcome = await routeRequest(route([target('a')]), send, context);
    expect(calls).toEqual(['a', 'a']);
    expect(outcome.ok).toBe(true);
  });

  it('answers with the last upstream status and retry-after when the chain ends on a provider without a key', async () => {
    const { context } = harness();
    const { send } = sender({ a: [() => reply(429, 'slow down', { 'retry-after': '7' })] });
    const outcome = await routeRequest(route([target('a'), target('b', false)]), send, context);
    expect(outcome.ok).toBe(false);
    if (outcome.ok) return;
    expect(outcome.error.status).toBe(429);
    expect(outcome.error.headers).toEqual({ 'retry-after': '7' });
  });

  it('gives a request every target refused for its length a 400, not a 502', async () => {
    const { context } = harness();
    const tooLong = () => reply(400, "This model's maximum context length is 8192 tokens");
    const { send } = sender({ a: [tooLong], b: [tooLong] });
    const outcome = await routeRequest(route([target('a'), target('b')], ['context_length']), send, context);
    expect(outcome.ok).toBe(false);
    if (outcome.ok) return;
    expect(outcome.error).toMatchObject({ status: 400, kind: 'invalid_request' });
    expect(outcome.error.message).toMatch(/^all 2 targets failed: a 400 \(context_length: This model's maximum/);
  });

  it("answers with an earlier upstream failure, not a later target's refusal to express the request", async () => {
    const { context } = harness();
    const refuse = () => {
      throw errors.invalidBody('ant cannot express logit_bias', 'logit_bias');
    };
    const { send } = sender({ a: [() => reply(503, 'overloaded')], b: [refuse] });
    const outcome = await routeRequest(route([target('a'), target('b')]), send, context);
    expect(!outcome.ok && outcome.error).toMatchObject({ status: 503, code: 'GW_ERR_UPSTREAM_FAILED' });

    const onlyRefusals = await routeRequest(route([target('b')]), sender({ b: [refuse] }).send, harness().context);
    expect(!onlyRefusals.ok && onlyRefusals.error).toMatchObject({ status: 400, param: 'logit_bias' });
  });
});

describe('routeRequest when the gateway itself fails', () => {
  it('answers 500, tries no other target, and counts against no breaker', async () => {
    const { clock, context } = harness();
    const [a, b] = [target('a'), target('b')];
    const calls: string[] = [];
    // What a lookup of a client's "constructor" key on a plain object used to throw while building the request.
    const send = async (t: RouteTarget): Promise<UpstreamReply> => {
      calls.push(t.provider.name);
      throw new TypeError('rule is not a function');
    };
    for (let i = 0; i < 10; i++) {
      const outcome = await routeRequest(route([a, b], ['connection', 'server_error']), send, context);
      expect(outcome.ok).toBe(false);
      if (!outcome.ok) expect([outcome.error.status, outcome.error.code]).toEqual([500, 'GW_ERR_INTERNAL']);
      expect(outcome.attempts.map((attempt) => attempt.errorClass)).toEqual(['internal']);
    }
    expect(calls).toEqual(Array(10).fill('a'));
    expect(context.state.target(a.id).breaker.tryAcquire(clock.now)).toBe(true);
    expect(context.state.target(a.id).breaker.coolingUntil).toBeLessThanOrEqual(clock.now);
  });
});

describe('routeRequest when the gateway itself fails', () => {
  it('logs the internal error with the request id and tells the client nothing of it', async () => {
    const { context } = harness();
    context.requestId = 'req_internal_1';
    const lines: string[] = [];
    const restore = redirectLog({ write: (line: string) => lines.push(line) });
    try {
      const send = async () => {
        throw new TypeError('cannot read properties of undefined');
      };
      const outcome = await routeRequest(route([target('a')]), send, context);
      expect(outcome.ok).toBe(false);
      expect(JSON.stringify(outcome)).not.toContain('cannot read properties');
    } finally {
      restore();
    }
    const logged = lines.map((line) => JSON.parse(line)).find((l) => l.msg === 'request failed inside the gateway');
    expect(logged).toMatchObject({ level: 'error', request_id: 'req_internal_1' });
    expect(logged.error).toContain('cannot read properties of undefined');
  });
});
