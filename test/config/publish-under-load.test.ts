import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { FakeOpenAI } from '../fakes/fake-openai.js';
import { sleep } from '../fakes/fake-server.js';
import { CLIENT_TOKEN, fakeProvider, GatewayHarness } from '../support/gateway-harness.js';

interface Outcome {
  startedAt: number;
  endedAt: number;
  provider: string | null;
  content: string;
  error?: unknown;
}

/** A publish that moves a model to another provider while traffic flows: no failure, no mixed response. */
describe('publishing under load', () => {
  let a: FakeOpenAI;
  let b: FakeOpenAI;
  let harness: GatewayHarness;

  beforeAll(async () => {
    a = await FakeOpenAI.start({ name: 'a' });
    b = await FakeOpenAI.start({ name: 'b' });
    a.setDefault({ kind: 'reply', text: 'from-a' });
    b.setDefault({ kind: 'reply', text: 'from-b' });
    harness = await GatewayHarness.start({
      config: {
        providers: [fakeProvider('a', a.baseUrl), fakeProvider('b', b.baseUrl)],
        models: [{ name: 'chat', targets: [{ provider: 'a', model: 'm' }] }],
      },
    });
  });
  afterAll(async () => {
    await harness.close();
    await a.close();
    await b.close();
  });

  async function ask(stream: boolean): Promise<Outcome> {
    const startedAt = performance.now();
    const client = harness.openai();
    const messages = [{ role: 'user' as const, content: 'hi' }];
    try {
      if (stream) {
        const { data, response } = await client.chat.completions
          .create({ model: 'chat', messages, stream: true })
          .withResponse();
        let content = '';
        for await (const chunk of data) content += chunk.choices[0]?.delta.content ?? '';
        return { startedAt, endedAt: performance.now(), provider: response.headers.get('x-gateway-provider'), content };
      }
      const { data, response } = await client.chat.completions.create({ model: 'chat', messages }).withResponse();
      return {
        startedAt,
        endedAt: performance.now(),
        provider: response.headers.get('x-gateway-provider'),
        content: data.choices[0]?.message.content ?? '',
      };
    } catch (error) {
      return { startedAt, endedAt: performance.now(), provider: null, content: '', error };
    }
  }

  it('serves every request entirely from one revision, and a stream in flight finishes on its own', async () => {
    a.enqueue({ kind: 'reply', text: 'from-a'.repeat(12), chunkSize: 6, chunkDelayMs: 200 });
    const slow = ask(true);
    await sleep(100);

    let running = true;
    const outcomes: Outcome[] = [];
    const worker = async (index: number) => {
      for (let i = 0; running; i++) outcomes.push(await ask((i + index) % 3 === 0));
    };
    const workers = [0, 1, 2, 3].map(worker);
    // Requests answered before the publish, however busy the machine (a fixed 150 ms wait saw none at load 20);
    // the slow stream (12 chunks 200 ms apart) is still in flight when it comes.
    for (const deadline = Date.now() + 15_000; outcomes.length < 2 && Date.now() < deadline; ) await sleep(25);

    const publishStarted = performance.now();
    const published = await harness.admin('POST', '/config/publish', {
      content: stringify({
        storage: `sqlite:${join(harness.dir, 'gateway.db')}`,
        clients: [{ name: 'test-client', token: CLIENT_TOKEN }],
        providers: [fakeProvider('a', a.baseUrl), fakeProvider('b', b.baseUrl)],
        models: [{ name: 'chat', targets: [{ provider: 'b', model: 'm' }] }],
      }),
      message: 'move chat to b',
    });
    const publishDone = performance.now();
    expect(published.status).toBe(201);
    // Enough requests on each side of the publish, however busy the machine (a fixed wait once saw 16 in all).
    const startedAfter = () => outcomes.filter((o) => o.startedAt > publishDone).length;
    for (const deadline = Date.now() + 15_000; startedAfter() < 20 && Date.now() < deadline; ) await sleep(50);
    running = false;
    await Promise.all(workers);
    const stream = await slow;

    expect(startedAfter()).toBeGreaterThanOrEqual(20);
    expect(outcomes.filter((o) => o.endedAt < publishStarted).length).toBeGreaterThan(0);
    expect(outcomes.filter((o) => o.error)).toEqual([]);
    for (const outcome of outcomes) {
      expect(outcome.content).toMatch(outcome.provider === 'a' ? /^(from-a)+$/ : /^(from-b)+$/);
      if (outcome.startedAt > publishDone) expect(outcome.provider).toBe('b');
      if (outcome.endedAt < publishStarted) expect(outcome.provider).toBe('a');
    }
    expect(outcomes.some((o) => o.provider === 'a')).toBe(true);
    expect(outcomes.some((o) => o.provider === 'b')).toBe(true);

    expect(stream.error).toBeUndefined();
    expect(stream).toMatchObject({ provider: 'a', content: 'from-a'.repeat(12) });
    expect(stream.endedAt).toBeGreaterThan(publishDone);

    const records = await harness.records(outcomes.length + 1);
    const chat = records.filter((r) => r.requestedModel === 'chat');
    expect(chat).toHaveLength(outcomes.length + 1);
    for (const record of chat) {
      expect(record).toMatchObject({ status: 200, errorCode: null });
      expect(record.provider).toBe(record.configRevision === 1 ? 'a' : 'b');
      expect([1, 2]).toContain(record.configRevision);
    }
    const slowRecord = chat.reduce((longest, r) => (r.latencyMs > longest.latencyMs ? r : longest));
    expect(slowRecord).toMatchObject({ stream: true, configRevision: 1, provider: 'a', outputTokens: 6 });
  });
});
