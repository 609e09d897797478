import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeOpenAI } from '../fakes/fake-openai.js';
import { fakeProvider, GatewayHarness } from '../support/gateway-harness.js';

async function ask(harness: GatewayHarness, model: string, headers: Record<string, string> = {}) {
  const { data, response } = await harness
    .openai()
    .chat.completions.create({ model, messages: [{ role: 'user', content: 'hi' }] }, { headers })
    .withResponse();
  return { provider: response.headers.get('x-gateway-provider'), route: response.headers.get('x-gateway-route'), data };
}

describe('balancing strategies', () => {
  let a: FakeOpenAI;
  let b: FakeOpenAI;
  let harness: GatewayHarness;

  beforeAll(async () => {
    a = await FakeOpenAI.start({ name: 'a' });
    b = await FakeOpenAI.start({ name: 'b' });
    harness = await GatewayHarness.start({
      config: {
        providers: [fakeProvider('a', a.baseUrl), fakeProvider('b', b.baseUrl)],
        routing: { sticky: { header: 'x-session-id', ttl_s: 60 } },
        models: [
          {
            name: 'weighted',
            strategy: 'weighted',
            targets: [
              { provider: 'a', model: 'w', weight: 3 },
              { provider: 'b', model: 'w', weight: 1 },
            ],
          },
          {
            name: 'fastest',
            strategy: 'least-latency',
            targets: [
              { provider: 'a', model: 'slow' },
              { provider: 'b', model: 'fast' },
            ],
          },
          {
            name: 'even',
            strategy: 'weighted',
            targets: [
              { provider: 'a', model: 'even' },
              { provider: 'b', model: 'even' },
            ],
          },
        ],
      },
    });
  });
  afterAll(async () => {
    await harness.close();
    await a.close();
    await b.close();
  });

  it('splits weighted traffic by weight (3:1 within 5%)', async () => {
    const counts: Record<string, number> = { a: 0, b: 0 };
    for (let i = 0; i < 200; i++) {
      const { provider } = await ask(harness, 'weighted');
      counts[provider as string] = (counts[provider as string] ?? 0) + 1;
    }
    expect(counts.a! / 200).toBeGreaterThan(0.7);
    expect(counts.a! / 200).toBeLessThan(0.8);
    expect(counts.a! + counts.b!).toBe(200);
  });

  it('sends most least-latency traffic to the faster target, still re-measuring the slower one', async () => {
    a.setDefault({ kind: 'reply', delayMs: 40 });
    const counts: Record<string, number> = { a: 0, b: 0 };
    for (let i = 0; i < 120; i++) {
      const { provider } = await ask(harness, 'fastest');
      counts[provider as string] = (counts[provider as string] ?? 0) + 1;
    }
    a.setDefault({ kind: 'reply' });
    expect(counts.b).toBeGreaterThan(100);
    expect(counts.a).toBeGreaterThanOrEqual(1);
  });

  it('pins a session to the target that served it, and reports the route as sticky', async () => {
    const first = await ask(harness, 'even', { 'x-session-id': 'session-1' });
    const later = [];
    for (let i = 0; i < 10; i++) later.push(await ask(harness, 'even', { 'x-session-id': 'session-1' }));
    expect(new Set(later.map((r) => r.provider))).toEqual(new Set([first.provider]));
    expect(later.every((r) => r.route === 'sticky')).toBe(true);

    const unpinned = new Set<string>();
    for (let i = 0; i < 6; i++) unpinned.add((await ask(harness, 'even')).provider as string);
    expect(unpinned.size).toBe(2);
  });

  it('moves a session off its target when that target fails, and pins it to the new one', async () => {
    const first = await ask(harness, 'even', { 'x-session-id': 'session-2' });
    const pinned = first.provider === 'a' ? a : b;
    pinned.enqueue({ kind: 'error', status: 503 });
    const moved = await ask(harness, 'even', { 'x-session-id': 'session-2' });
    expect(moved.provider).not.toBe(first.provider);
    expect(moved.route).toBe('fallback');
    const after = await ask(harness, 'even', { 'x-session-id': 'session-2' });
    expect(after.provider).toBe(moved.provider);
  });
});
