import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeOpenAI } from '../fakes/fake-openai.js';
import { fakeProvider, GatewayHarness } from '../support/gateway-harness.js';

async function readyz(base: string): Promise<{ status: number; body: { status: string; reason?: string } }> {
  const response = await fetch(`${base}/readyz`);
  return { status: response.status, body: (await response.json()) as { status: string; reason?: string } };
}

describe('/readyz during a graceful shutdown', () => {
  let upstream: FakeOpenAI;
  let harness: GatewayHarness;

  beforeAll(async () => {
    upstream = await FakeOpenAI.start({ apiKey: 'sk-up' });
    harness = await GatewayHarness.start({
      adminListen: '127.0.0.1:0',
      config: {
        // Long enough to observe under a loaded CPU; the shutdown itself waits for nothing else here.
        server: { readiness_drain_ms: 3_000 },
        providers: [fakeProvider('primary', upstream.baseUrl, 'sk-up')],
        models: [{ name: 'chat', targets: [{ provider: 'primary', model: 'gpt-4o-mini' }] }],
      },
    });
  });
  afterAll(async () => {
    await harness.close();
    await upstream.close();
  });

  it('answers 503 with the reason on both listeners once shutdown begins, while requests are still served', async () => {
    expect(await readyz(harness.url)).toEqual({ status: 200, body: { status: 'ready' } });
    const closing = harness.gateway.close();
    for (const base of [harness.url, harness.adminUrl]) {
      expect(await readyz(base)).toEqual({
        status: 503,
        body: { status: 'not_ready', reason: 'draining: the gateway is shutting down' },
      });
      expect((await fetch(`${base}/healthz`)).status).toBe(200);
    }
    const served = await harness
      .openai()
      .chat.completions.create({ model: 'chat', messages: [{ role: 'user', content: 'still serving?' }] });
    expect(served.choices[0]?.message.content).toBeTruthy();
    await closing;
    await expect(fetch(`${harness.url}/readyz`)).rejects.toThrow();
  });
});

describe('/readyz when the store does not answer', () => {
  it('answers 503 naming the store', async () => {
    const harness = await GatewayHarness.start({ config: {} });
    try {
      expect((await readyz(harness.url)).status).toBe(200);
      await harness.gateway.store.close();
      // The last answer is reused for a second, so the next probes may still say ready.
      await expect
        .poll(async () => readyz(harness.url), { timeout: 10_000, interval: 300 })
        .toMatchObject({ status: 503, body: { status: 'not_ready', reason: expect.stringMatching(/^store: /) } });
    } finally {
      await harness.close().catch(() => undefined);
    }
  });
});
