import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { FakeOpenAI } from '../fakes/fake-openai.js';
import { CLIENT_TOKEN, fakeProvider, GatewayHarness } from '../support/gateway-harness.js';

/** A breaker learned about one endpoint says nothing about another: it resets when the provider's URL or key changes. */
describe('breaker state across a change of target', () => {
  let broken: FakeOpenAI;
  let working: FakeOpenAI;
  let harness: GatewayHarness;
  const ALICE = { name: 'alice', role: 'admin', origin: '127.0.0.1' } as const;

  const config = (baseUrl: string, apiKey: string, models = ['chat']) =>
    stringify({
      storage: `sqlite:${harness.dir}/gateway.db`,
      clients: [{ name: 'test-client', token: CLIENT_TOKEN }],
      routing: { cooldown: { failures: 1, window_s: 60, cooldown_s: 600 }, retries: { max_attempts: 1 } },
      providers: [{ ...fakeProvider('primary', baseUrl), api_key: apiKey }],
      models: models.map((name) => ({ name, targets: [{ provider: 'primary', model: 'm' }] })),
    });
  const publish = (text: string) =>
    harness.gateway.config.workflow.publish({ source: { content: text }, message: 'change', origin: 'api' }, ALICE);
  const state = () => harness.gateway.router.state.target('primary/m').breaker.state(Date.now());
  const ask = () =>
    harness
      .openai()
      .chat.completions.create({ model: 'chat', messages: [{ role: 'user', content: 'hi' }] })
      .then(() => 'ok')
      .catch(() => 'failed');

  beforeAll(async () => {
    broken = await FakeOpenAI.start({ name: 'broken' });
    working = await FakeOpenAI.start({ name: 'working' });
    broken.setDefault({ kind: 'error', status: 502 });
    harness = await GatewayHarness.start({
      config: {
        routing: { cooldown: { failures: 1, window_s: 60, cooldown_s: 600 }, retries: { max_attempts: 1 } },
        providers: [fakeProvider('primary', broken.baseUrl)],
        models: [{ name: 'chat', targets: [{ provider: 'primary', model: 'm' }] }],
      },
    });
  });
  afterAll(async () => {
    await harness.close();
    await broken.close();
    await working.close();
  });

  it('keeps cooling across an unrelated change, and starts afresh when the URL or the key changes', async () => {
    expect(await ask()).toBe('failed');
    expect(state()).toBe('open');
    await publish(config(broken.baseUrl, 'sk-upstream-secret-key', ['chat', 'other']));
    expect(state()).toBe('open');

    await publish(config(working.baseUrl, 'sk-upstream-secret-key'));
    expect(state()).toBe('closed');
    expect(await ask()).toBe('ok');

    working.setDefault({ kind: 'error', status: 502 });
    expect(await ask()).toBe('failed');
    expect(state()).toBe('open');
    working.setDefault({ kind: 'reply' });
    await publish(config(working.baseUrl, 'sk-upstream-secret-key'.replace('secret', 'rotated')));
    expect(state()).toBe('closed');
  });
});
