import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeOpenAI } from '../fakes/fake-openai.js';
import { CLIENT_TOKEN, fakeProvider, GatewayHarness } from '../support/gateway-harness.js';

/** What operators and SDKs read: no pointless retries, and figures without timer noise. */
describe('operator-facing answers', () => {
  let upstream: FakeOpenAI;
  let harness: GatewayHarness;

  beforeAll(async () => {
    upstream = await FakeOpenAI.start();
    harness = await GatewayHarness.start({
      config: {
        providers: [
          { ...fakeProvider('keyless', upstream.baseUrl), api_key: '${AMG_TEST_NEVER_SET_KEY:-}' },
          fakeProvider('primary', upstream.baseUrl),
        ],
        models: [
          { name: 'unconfigured', targets: [{ provider: 'keyless', model: 'm' }] },
          { name: 'chat', targets: [{ provider: 'primary', model: 'm' }] },
        ],
      },
    });
  });
  afterAll(async () => {
    await harness.close();
    await upstream.close();
  });

  it('answers "not configured" with x-should-retry: false, so the OpenAI SDK does not retry it', async () => {
    const error = (await harness
      .openai(CLIENT_TOKEN, { maxRetries: 2 })
      .chat.completions.create({ model: 'unconfigured', messages: [{ role: 'user', content: 'hi' }] })
      .catch((e: unknown) => e)) as { status: number; headers: Headers };
    expect(error.status).toBe(503);
    expect(error.headers.get('x-should-retry')).toBe('false');
    const rows = await harness.records(1);
    expect(rows.filter((r) => r.requestedModel === 'unconfigured')).toHaveLength(1);
  });

  it('records attempt latencies to the microsecond at most', async () => {
    await harness.openai().chat.completions.create({ model: 'chat', messages: [{ role: 'user', content: 'hi' }] });
    const rows = await harness.records(2);
    const latencies = rows.flatMap((r) => [r.latencyMs, ...r.attempts.map((a) => a.latencyMs)]);
    expect(latencies.length).toBeGreaterThan(2);
    for (const ms of latencies) expect(Math.round(ms * 1000)).toBeCloseTo(ms * 1000, 6);
  });
});

describe('health probes with a separate admin listener', () => {
  it('answers /healthz on the traffic port too, where load balancers check, and nothing else of the admin API', async () => {
    const harness = await GatewayHarness.start({ config: { models: [] }, adminListen: '127.0.0.1:0' });
    try {
      expect(harness.url).not.toBe(harness.adminUrl);
      for (const base of [harness.url, harness.adminUrl]) {
        const response = await fetch(`${base}/healthz`);
        expect(response.status).toBe(200);
        expect(await response.json()).toEqual({ status: 'ok' });
      }
      expect((await fetch(`${harness.url}/admin/api/status`)).status).toBe(404);
    } finally {
      await harness.close();
    }
  });
});
