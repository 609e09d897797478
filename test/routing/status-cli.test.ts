import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeOpenAI } from '../fakes/fake-openai.js';
import { runCli } from '../support/cli-process.js';
import { ADMIN_TOKEN, fakeProvider, GatewayHarness } from '../support/gateway-harness.js';

describe('amg status and the providers API', () => {
  let healthy: FakeOpenAI;
  let flaky: FakeOpenAI;
  let harness: GatewayHarness;

  beforeAll(async () => {
    healthy = await FakeOpenAI.start({ name: 'healthy' });
    flaky = await FakeOpenAI.start({ name: 'flaky' });
    harness = await GatewayHarness.start({
      config: {
        providers: [
          fakeProvider('flaky', flaky.baseUrl),
          fakeProvider('healthy', healthy.baseUrl),
          {
            name: 'nokey',
            type: 'openai',
            base_url: 'https://api.example.com/v1',
            api_key: '${AMG_STATUS_TEST_KEY:-}',
          },
        ],
        routing: { cooldown: { failures: 1, window_s: 30, cooldown_s: 60 } },
        models: [
          {
            name: 'chat',
            targets: [
              { provider: 'flaky', model: 'm' },
              { provider: 'healthy', model: 'm' },
              { provider: 'nokey', model: 'm' },
            ],
          },
        ],
      },
    });
  });
  afterAll(async () => {
    await harness.close();
    await healthy.close();
    await flaky.close();
  });

  it('counts a stream that breaks after its first byte against the target', async () => {
    flaky.enqueue({ kind: 'break', after: 2 });
    const stream = await harness
      .openai()
      .chat.completions.create({ model: 'chat', messages: [{ role: 'user', content: 'hi' }], stream: true });
    await expect(
      (async () => {
        for await (const _ of stream) {
          // read until it breaks
        }
      })(),
    ).rejects.toThrow();
    const { body } = await harness.admin('GET', '/providers');
    const target = body.data.find((p: any) => p.name === 'flaky').targets[0];
    expect(target).toMatchObject({ state: 'cooling', reason: expect.stringContaining('stream_error') });
  });

  it('prints each target with its state, success rate, latency and reason', async () => {
    for (let i = 0; i < 3; i++) {
      await harness.openai().chat.completions.create({ model: 'chat', messages: [{ role: 'user', content: 'hi' }] });
    }
    const result = await runCli(['status', '--url', harness.adminUrl, '--token', ADMIN_TOKEN], { cwd: harness.dir });
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/flaky\/m\s+cooling \d+s\s+\S+.*stream_error/);
    expect(result.stdout).toMatch(/healthy\/m\s+healthy\s+100%\s+\d+ms\s+\d+ms\s+3/);
    expect(result.stdout).toMatch(/nokey\s+not configured \(set AMG_STATUS_TEST_KEY\)/);
  });

  it('refuses without an admin token', async () => {
    const result = await runCli(['status', '--url', harness.adminUrl], {
      cwd: harness.dir,
      env: { AMG_ADMIN_TOKEN: undefined },
    });
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/needs an admin token/);
  });

  it('takes the gateway URL with a trailing slash, as the other commands do', async () => {
    const url = `${harness.adminUrl}/`;
    const result = await runCli(['status', '--url', url, '--token', ADMIN_TOKEN], { cwd: harness.dir });
    expect(result.stderr).toBe('');
    expect(result.stdout).toMatch(/healthy\/m\s+healthy/);
  });
});
