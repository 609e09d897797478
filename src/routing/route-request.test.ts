import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import type { ProviderRuntime } from '../providers/provider-runtime.js';
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
  return { id: `${name}/m`, provider: provider as ProviderRuntime, model: 'm', weight: 1 };
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
});
