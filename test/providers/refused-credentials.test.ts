import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeAzureOpenAI } from '../fakes/fake-azure-openai.js';
import { FakeBedrock } from '../fakes/fake-bedrock.js';
import { FakeGemini } from '../fakes/fake-gemini.js';
import { GatewayHarness } from '../support/gateway-harness.js';

/**
 * A new user's most common first error on a cloud: a key the cloud refuses. The client's error keeps the cloud's
 * own words and adds the fix: which provider's credentials, in which settings (and variables) to check.
 */
describe('credentials a cloud refuses', () => {
  let azure: FakeAzureOpenAI;
  let bedrock: FakeBedrock;
  let gemini: FakeGemini;
  let gateway: GatewayHarness;

  beforeAll(async () => {
    azure = await FakeAzureOpenAI.start({ apiKey: 'right-azure-key-0123456789' });
    bedrock = await FakeBedrock.start({ keys: [{ accessKeyId: 'AKIARIGHT', secretAccessKey: 'right-secret' }] });
    gemini = await FakeGemini.start('right-gemini-key');
    process.env.AMG_TEST_WRONG_AZURE_KEY = 'wrong-azure-key-0000000';
    gateway = await GatewayHarness.start({
      config: {
        providers: [
          {
            name: 'azure',
            type: 'azure-openai',
            base_url: azure.endpoint,
            api_key: '${AMG_TEST_WRONG_AZURE_KEY}',
            allow_private_network: true,
          },
          {
            name: 'aws',
            type: 'bedrock',
            base_url: bedrock.endpoint,
            aws: { region: 'eu-central-1', access_key_id: 'AKIAWRONG', secret_access_key: 'wrong-secret' },
            allow_private_network: true,
          },
          {
            name: 'google',
            type: 'gemini',
            base_url: gemini.baseUrl,
            api_key: 'wrong-gemini-key',
            allow_private_network: true,
          },
        ],
        models: [
          { name: 'gpt-4o', targets: [{ provider: 'azure', model: 'my-gpt4o-deployment' }] },
          { name: 'claude', targets: [{ provider: 'aws', model: 'eu.anthropic.claude-sonnet-4-5-20250929-v1:0' }] },
          { name: 'flash', targets: [{ provider: 'google', model: 'gemini-2.5-flash' }] },
        ],
        routing: { retries: { max_attempts: 1 } },
      },
    });
  });
  afterAll(async () => {
    await gateway?.close();
    await azure?.close();
    await bedrock?.close();
    await gemini?.close();
    delete process.env.AMG_TEST_WRONG_AZURE_KEY;
  });

  it.each([
    [
      'gpt-4o',
      'Access denied due to invalid subscription key',
      "provider 'azure': check its api_key",
      'AMG_TEST_WRONG_AZURE_KEY',
    ],
    [
      'claude',
      'The security token included in the request is invalid.',
      "provider 'aws': check its AWS keys",
      'bedrock:InvokeModel',
    ],
    ['flash', 'API key not valid.', "provider 'google': check its api_key", undefined],
  ])('%s: the cloud’s words and the fix reach OpenAI and Anthropic clients', async (model, words, fix, detail) => {
    const chat = await gateway
      .openai(undefined, { maxRetries: 0 })
      .chat.completions.create({ model, messages: [{ role: 'user', content: 'hi' }] })
      .catch((e: unknown) => e as Error);
    const messages = await gateway
      .anthropic()
      .messages.create({ model, max_tokens: 10, messages: [{ role: 'user', content: 'hi' }] })
      .catch((e: unknown) => e as Error);
    for (const error of [chat, messages]) {
      expect(error).toBeInstanceOf(Error);
      expect((error as Error).message).toContain(words);
      expect((error as Error).message).toContain(`the upstream refused the credentials of ${fix}`);
      if (detail) expect((error as Error).message).toContain(detail);
      // The wrong key itself is never echoed.
      expect((error as Error).message).not.toMatch(/wrong-(azure|gemini)-key|wrong-secret/);
    }
  });
});
