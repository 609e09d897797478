import { rm } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openSqliteStore, runningWriterThreads } from '../../src/store/worker-store.js';
import { FakeOpenAI } from '../fakes/fake-openai.js';
import { fakeProvider, GatewayHarness } from '../support/gateway-harness.js';

async function until(condition: () => boolean, timeoutMs = 15_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/**
 * An idle gateway lets its SQLite writer thread stop (issue 14); traffic starts it again and every record still
 * lands, those of a request answered while it was stopped and those written at shutdown.
 */
describe('the writer thread of an idle gateway', () => {
  let upstream: FakeOpenAI;
  let harness: GatewayHarness;
  let file: string;

  beforeAll(async () => {
    upstream = await FakeOpenAI.start();
    harness = await GatewayHarness.start({
      config: {
        providers: [fakeProvider('primary', upstream.baseUrl)],
        models: [{ name: 'chat', targets: [{ provider: 'primary', model: 'm' }] }],
      },
    });
    file = `${harness.dir}/gateway.db`;
  });
  afterAll(async () => {
    await upstream.close();
  });

  it('stops after start, starts again for the records of a request, and loses none at shutdown', async () => {
    await until(() => runningWriterThreads() === 0);
    const chat = () =>
      harness.openai().chat.completions.create({ model: 'chat', messages: [{ role: 'user', content: 'hi' }] });
    expect((await chat()).choices[0]?.message.content).toBeTruthy();
    expect(await harness.records(1)).toHaveLength(1);
    await until(() => runningWriterThreads() === 0);
    await chat();
    await harness.gateway.close();
    const store = await openSqliteStore(file);
    try {
      expect(await store.listRequests({ limit: 10 })).toHaveLength(2);
    } finally {
      await store.close();
      await rm(harness.dir, { recursive: true, force: true });
    }
  });
});
