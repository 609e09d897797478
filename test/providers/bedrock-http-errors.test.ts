import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeBedrock } from '../fakes/fake-bedrock.js';
import { GatewayHarness } from '../support/gateway-harness.js';

const KEY = 'ABSKbedrock-http-errors-0123456789';

/**
 * Bedrock names an HTTP error's exception in the `x-amzn-errortype` header (`ValidationException:http://...`),
 * not in its `{"message"}` body, and the AWS SDK classifies by it. An error relayed to the client (a final 4xx)
 * carries that exception as its code, as the upstream's own code is relayed for other providers, and its type
 * follows the exception rather than the status alone.
 */
describe('bedrock HTTP errors classified by x-amzn-errortype', () => {
  let fake: FakeBedrock;
  let gateway: GatewayHarness;

  beforeAll(async () => {
    fake = await FakeBedrock.start({ apiKey: KEY });
    gateway = await GatewayHarness.start({
      config: {
        providers: [
          { name: 'aws', type: 'bedrock', base_url: fake.endpoint, api_key: KEY, allow_private_network: true },
        ],
        models: [
          { name: 'claude-aws', targets: [{ provider: 'aws', model: 'anthropic.claude-sonnet-4-5-20250929-v1:0' }] },
        ],
        routing: { retries: { max_attempts: 1 }, cooldown: { failures: 10_000, window_s: 1, cooldown_s: 1 } },
      },
    });
  });
  afterAll(async () => {
    await gateway.close();
    await fake.close();
  });

  it.each([
    [
      400,
      'ValidationException',
      'Malformed input request: #: extraneous key [foo] is not permitted',
      'invalid_request_error',
    ],
    [
      404,
      'ResourceNotFoundException',
      'Model use case details have not been submitted for this account.',
      'invalid_request_error',
    ],
  ])('%i %s reaches an OpenAI client with its exception as the code', async (status, exception, message, type) => {
    fake.enqueue({ kind: 'error', status, exception, message });
    const error = await gateway
      .openai()
      .chat.completions.create({ model: 'claude-aws', messages: [{ role: 'user', content: 'Hi' }] })
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(OpenAI.APIError);
    const apiError = error as InstanceType<typeof OpenAI.APIError>;
    expect(apiError.status).toBe(status);
    expect(apiError.message).toContain(message);
    expect(apiError.code).toBe(exception);
    expect(apiError.type).toBe(type);
  });
});
