import Anthropic from '@anthropic-ai/sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeAnthropic } from '../fakes/fake-anthropic.js';
import { fakeProvider, GatewayHarness } from './gateway-harness.js';

describe('GatewayHarness.anthropic()', () => {
  let upstream: FakeAnthropic;
  let harness: GatewayHarness;

  beforeAll(async () => {
    upstream = await FakeAnthropic.start();
    harness = await GatewayHarness.start({
      config: {
        providers: [fakeProvider('claude', upstream.baseUrl, upstream.apiKey, 'anthropic')],
        models: [{ name: 'sonnet', targets: [{ provider: 'claude', model: 'claude-sonnet-4-6' }] }],
      },
    });
  });
  afterAll(async () => {
    await harness.close();
    await upstream.close();
  });

  it('returns an Anthropic SDK client that reaches the gateway with the client token', async () => {
    const client = harness.anthropic();
    expect(client.baseURL).toBe(harness.url);
    expect(client.maxRetries).toBe(0);
    const ids: string[] = [];
    for await (const model of client.models.list()) ids.push(model.id);
    expect(ids).toEqual(['sonnet']);
  });

  it('presents the token it is given, so a wrong one is refused', async () => {
    await expect(harness.anthropic('amg_wrong_token').models.list()).rejects.toBeInstanceOf(
      Anthropic.AuthenticationError,
    );
  });
});
