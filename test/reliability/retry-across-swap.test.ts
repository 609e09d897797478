import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { FakeOpenAI } from '../fakes/fake-openai.js';
import { CLIENT_TOKEN, fakeProvider, GatewayHarness } from '../support/gateway-harness.js';

/**
 * A config swap closes the connection pools the new config no longer uses. A request that started before the swap
 * and retries after it must reach the upstream through a pool that is open, never answer with the pool's
 * internal error ("UND_ERR_DESTROYED: The client is destroyed").
 */
describe('a request retrying across a config swap', () => {
  let upstream: FakeOpenAI;
  let harness: GatewayHarness;
  const ALICE = { name: 'alice', role: 'admin', origin: '127.0.0.1' } as const;
  const routing = { retries: { max_attempts: 3, backoff_ms: 400, max_backoff_ms: 400 } };

  const config = (maxConnections: number) =>
    stringify({
      storage: `sqlite:${harness.dir}/gateway.db`,
      clients: [{ name: 'test-client', token: CLIENT_TOKEN }],
      routing,
      providers: [{ ...fakeProvider('primary', upstream.baseUrl), max_connections: maxConnections }],
      models: [{ name: 'chat', targets: [{ provider: 'primary', model: 'm' }] }],
    });
  const publish = (text: string) =>
    harness.gateway.config.workflow.publish({ source: { content: text }, message: 'swap', origin: 'api' }, ALICE);
  const untilRequests = async (count: number) => {
    while (upstream.requests.length < count) await new Promise((resolve) => setTimeout(resolve, 10));
  };

  beforeAll(async () => {
    upstream = await FakeOpenAI.start();
    harness = await GatewayHarness.start({
      config: {
        routing,
        providers: [{ ...fakeProvider('primary', upstream.baseUrl), max_connections: 4 }],
        models: [{ name: 'chat', targets: [{ provider: 'primary', model: 'm' }] }],
      },
    });
  });
  afterAll(async () => {
    await harness.close();
    await upstream.close();
  });

  it('retries through an open pool after a publish replaced the one it started on', async () => {
    const client = new OpenAI({ apiKey: CLIENT_TOKEN, baseURL: `${harness.url}/v1`, maxRetries: 0 });
    for (const [round, connections] of [8, 16].entries()) {
      const before = upstream.requests.length;
      upstream.enqueue({ kind: 'error', status: 503 });
      const answer = client.chat.completions.create({ model: 'chat', messages: [{ role: 'user', content: 'hi' }] });
      await untilRequests(before + 1);
      // The pool the request started on is closed while it waits for its retry.
      await publish(config(connections));
      const completion = await answer;
      expect(completion.choices[0]?.message.content, `round ${round}`).toBeTruthy();
      expect(upstream.requests.length).toBe(before + 2);
    }
    const records = await harness.records(2);
    for (const record of records.slice(0, 2)) {
      expect(record.status).toBe(200);
      expect(record.attempts).toHaveLength(2);
      expect(JSON.stringify(record.attempts)).not.toMatch(/UND_ERR|destroyed|client is closed/i);
    }
  });
});
